#pragma once
// A finite image data set held in memory: a training split and a held-out split, both
// (N, C, H, W) float32 in [-1, 1]. MNIST and image folders both end up as one of these.
#include <string>

#include "dataset.h"

namespace eddpm {

class ImageDataset : public Dataset {
 public:
  ImageDataset(std::string name, torch::Tensor train, torch::Tensor test);

  std::string name() const override { return name_; }
  std::vector<int64_t> sample_shape() const override;
  torch::Tensor sample(int64_t n, at::Generator& gen) const override;
  torch::Tensor held_out(int64_t n, at::Generator& gen) const override;
  int64_t train_size() const override { return train_.size(0); }

  const torch::Tensor& train_images() const { return train_; }
  const torch::Tensor& test_images() const { return test_; }

 private:
  std::string name_;
  torch::Tensor train_, test_;
};

// uint8 pixels (N, C, H, W) to float32 in [-1, 1].
torch::Tensor pixels_to_model_range(const torch::Tensor& pixels);
// float32 in [-1, 1] to uint8 pixels, clamped.
torch::Tensor model_range_to_pixels(const torch::Tensor& images);
// Resizes (N, C, H, W) to size x size: area averaging when shrinking, bilinear when growing.
torch::Tensor resize_images(const torch::Tensor& images, int64_t size);
// Repeats a gray channel to 3 or averages 3 channels to 1; other counts are refused.
torch::Tensor convert_channels(const torch::Tensor& images, int64_t channels);

}  // namespace eddpm
