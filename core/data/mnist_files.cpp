#include "mnist_files.h"

#include <cstdlib>
#include <stdexcept>

#include <torch/torch.h>

#include "idx_file.h"
#include "image_dataset.h"

namespace eddpm {

std::filesystem::path default_data_root() {
  if (const char* dir = std::getenv("EDDPM_DATA_DIR"); dir && *dir) return dir;
  if (const char* cache = std::getenv("XDG_CACHE_HOME"); cache && *cache)
    return std::filesystem::path(cache) / "eddpm";
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home && *home ? home : ".") / ".cache" / "eddpm";
}

std::filesystem::path default_mnist_dir() { return default_data_root() / "mnist"; }

std::optional<std::filesystem::path> mnist_dir_of(const std::string& data) {
  if (data == "mnist") return default_mnist_dir();
  if (data.rfind("mnist:", 0) == 0) return std::filesystem::path(data.substr(6));
  return std::nullopt;
}

MnistSplit load_mnist_split(const std::filesystem::path& dir, bool train) {
  const std::string prefix = train ? "train" : "t10k";
  const std::filesystem::path images_path = dir / (prefix + "-images-idx3-ubyte");
  const std::filesystem::path labels_path = dir / (prefix + "-labels-idx1-ubyte");
  for (const auto& p : {images_path, labels_path})
    if (!std::filesystem::exists(p))
      throw std::invalid_argument("MNIST file " + p.string() +
                                  " is missing: run scripts/fetch-mnist, or point --data mnist:DIR at the IDX files");
  MnistSplit split;
  try {
    split.images = read_idx(images_path);
    split.labels = read_idx(labels_path);
  } catch (const std::runtime_error& e) {
    throw std::invalid_argument(e.what());
  }
  if (split.images.dim() != 3 || split.images.size(1) != 28 || split.images.size(2) != 28)
    throw std::invalid_argument(images_path.string() + ": expected N x 28 x 28 images");
  if (split.labels.dim() != 1 || split.labels.size(0) != split.images.size(0))
    throw std::invalid_argument(labels_path.string() + ": label count differs from the image count");
  split.labels = split.labels.to(torch::kLong);
  if (split.labels.max().item<int64_t>() > 9) throw std::invalid_argument(labels_path.string() + ": labels above 9");
  split.images = split.images.unsqueeze(1);
  return split;
}

DatasetPtr load_mnist_dataset(const std::filesystem::path& dir, int64_t size, int64_t channels) {
  auto prepare = [&](const torch::Tensor& pixels) {
    return convert_channels(resize_images(pixels_to_model_range(pixels), size), channels).contiguous();
  };
  const std::string name = dir == default_mnist_dir() ? "mnist" : "mnist:" + dir.string();
  const torch::Tensor train = prepare(load_mnist_split(dir, true).images);
  return std::make_shared<ImageDataset>(name, train, prepare(load_mnist_split(dir, false).images));
}

}  // namespace eddpm
