#include "image_dataset.h"

#include <stdexcept>

#include <torch/nn/functional/upsampling.h>
#include <torch/torch.h>

namespace eddpm {

ImageDataset::ImageDataset(std::string name, torch::Tensor train, torch::Tensor test)
    : name_(std::move(name)), train_(std::move(train)), test_(std::move(test)) {
  if (train_.dim() != 4 || train_.size(0) == 0) throw std::invalid_argument(name_ + ": no training images");
  if (!test_.defined() || test_.size(0) == 0) test_ = train_;
  if (test_.sizes().slice(1) != train_.sizes().slice(1))
    throw std::invalid_argument(name_ + ": held-out images differ in shape from the training images");
}

std::vector<int64_t> ImageDataset::sample_shape() const {
  return {train_.size(1), train_.size(2), train_.size(3)};
}

torch::Tensor ImageDataset::sample(int64_t n, at::Generator& gen) const { return draw_examples(train_, n, gen); }

torch::Tensor ImageDataset::held_out(int64_t n, at::Generator& gen) const { return draw_held_out(test_, n, gen); }

torch::Tensor pixels_to_model_range(const torch::Tensor& pixels) {
  return pixels.to(torch::kFloat32).div(127.5).sub(1.0);
}

torch::Tensor model_range_to_pixels(const torch::Tensor& images) {
  return images.to(torch::kFloat32).add(1.0).mul(127.5).round().clamp(0, 255).to(torch::kUInt8);
}

torch::Tensor resize_images(const torch::Tensor& images, int64_t size) {
  if (images.size(2) == size && images.size(3) == size) return images;
  namespace F = torch::nn::functional;
  const bool shrinking = images.size(2) >= size && images.size(3) >= size;
  auto options = F::InterpolateFuncOptions().size(std::vector<int64_t>{size, size});
  if (shrinking)
    options.mode(torch::kArea);
  else
    options.mode(torch::kBilinear).align_corners(false);
  return F::interpolate(images, options);
}

torch::Tensor convert_channels(const torch::Tensor& images, int64_t channels) {
  const int64_t have = images.size(1);
  if (have == channels) return images;
  if (have == 1 && channels == 3) return images.repeat({1, 3, 1, 1});
  if (have == 3 && channels == 1) return images.mean(1, true);
  throw std::invalid_argument("cannot turn " + std::to_string(have) + " channels into " + std::to_string(channels));
}

}  // namespace eddpm
