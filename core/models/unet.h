#pragma once
// A DDPM-style U-Net for images: sinusoidal time embedding through a two-layer MLP, residual
// blocks (GroupNorm, SiLU, 3x3 convolutions, the time embedding added between them), strided
// convolutions down, nearest-neighbour up to the matching skip's size (odd sizes such as 7x7
// work), optional single-head self-attention at the lowest resolution.
#include <string>
#include <vector>

#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include "eps_model.h"

namespace eddpm {

struct UNetShape {
  int64_t base = 32;                      // channels at full resolution
  std::vector<int64_t> multipliers = {1, 2, 2};  // per resolution level
  int64_t res_blocks = 1;                 // per level on the way down (one more on the way up)
  bool attention = false;                 // self-attention in the middle, at the lowest resolution
};

// "tiny" (CPU-friendly) and "small" (GPU); throws std::invalid_argument for another name.
UNetShape unet_preset(const std::string& preset);

class UNet : public EpsModel {
 public:
  // sample_shape: {C, H, W}.
  UNet(const std::string& preset, std::vector<int64_t> sample_shape);

  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& t) override;
  std::string preset() const override { return preset_; }
  std::vector<int64_t> sample_shape() const override { return sample_shape_; }
  // This network's forward as TorchScript source (model_export.h), over parameters named as here
  // with '.' written '_' (down_0_norm1_weight, ...): the same operations in the same order.
  std::string torchscript_source() const;

 private:
  std::string preset_;
  std::vector<int64_t> sample_shape_;
  UNetShape shape_;
  torch::nn::Linear time_in_{nullptr}, time_out_{nullptr};
  torch::nn::Conv2d conv_in_{nullptr}, conv_out_{nullptr};
  torch::nn::GroupNorm norm_out_{nullptr};
  torch::nn::ModuleList down_, middle_, up_;
};

// Trainable parameter count (for docs and the CLI's summary).
int64_t parameter_count(torch::nn::Module& module);

}  // namespace eddpm
