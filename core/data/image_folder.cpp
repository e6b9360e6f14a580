#include "image_folder.h"

#include <algorithm>
#include <stdexcept>

#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#define STBI_NO_STDIO_WARNINGS
#include <stb/stb_image.h>
#include <torch/torch.h>

#include "image_dataset.h"

namespace eddpm {

namespace {
constexpr int kMaxSide = 16384;  // refuse decompression bombs before decoding

// (1, C, size, size) float32 in [-1, 1], or undefined when the file is not a readable image.
torch::Tensor read_square_image(const std::filesystem::path& path, int64_t size, int channels) {
  int width = 0, height = 0, have = 0;
  if (!stbi_info(path.c_str(), &width, &height, &have) || width > kMaxSide || height > kMaxSide) return {};
  stbi_uc* pixels = stbi_load(path.c_str(), &width, &height, &have, channels);
  if (!pixels) return {};
  const torch::Tensor hwc =
      torch::from_blob(pixels, {height, width, channels}, torch::kUInt8).clone();
  stbi_image_free(pixels);
  const int64_t side = std::min(width, height);
  const torch::Tensor square = hwc.narrow(0, (height - side) / 2, side).narrow(1, (width - side) / 2, side);
  return resize_images(pixels_to_model_range(square.permute({2, 0, 1}).unsqueeze(0)), size);
}
}  // namespace

FolderScan load_image_folder(const std::filesystem::path& folder, int64_t size, int64_t channels,
                             int64_t max_images) {
  std::error_code error;
  if (!std::filesystem::is_directory(folder, error))
    throw std::invalid_argument("image folder " + folder.string() + " does not exist");
  std::vector<std::filesystem::path> files;
  for (auto it = std::filesystem::recursive_directory_iterator(
           folder, std::filesystem::directory_options::skip_permission_denied, error);
       !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    if (it->is_regular_file(error)) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());

  FolderScan scan;
  std::vector<torch::Tensor> train, test;
  for (const auto& file : files) {
    if (scan.loaded >= max_images) break;
    const torch::Tensor image = read_square_image(file, size, int(channels));
    if (!image.defined()) {
      scan.skipped.push_back(std::filesystem::relative(file, folder, error).string());
      continue;
    }
    (scan.loaded % 10 == 9 ? test : train).push_back(image);
    ++scan.loaded;
  }
  if (scan.loaded == 0) {
    std::string examples;
    for (size_t i = 0; i < std::min<size_t>(3, scan.skipped.size()); ++i) examples += (i ? ", " : "") + scan.skipped[i];
    throw std::invalid_argument("image folder " + folder.string() + " holds no readable image" +
                                (scan.skipped.empty() ? std::string(" (it is empty)")
                                                      : " (" + std::to_string(scan.skipped.size()) +
                                                            " files skipped: " + examples + ")"));
  }
  if (scan.loaded < 20) {  // too few to spare a held-out split: measure against the training images
    train.insert(train.end(), test.begin(), test.end());
    test.clear();
  }
  scan.dataset = std::make_shared<ImageDataset>("folder:" + folder.string(), torch::cat(train),
                                                test.empty() ? torch::Tensor() : torch::cat(test));
  return scan;
}

}  // namespace eddpm
