#include "unet.h"

#include <cmath>
#include <stdexcept>

#include <torch/nn/functional/upsampling.h>
#include <torch/torch.h>

namespace eddpm {

namespace {
constexpr int64_t kGroups = 8;

torch::nn::Conv2d conv3x3(int64_t in, int64_t out, int64_t stride = 1) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).stride(stride).padding(1));
}

class ResBlockImpl : public torch::nn::Module {
 public:
  ResBlockImpl(int64_t in, int64_t out, int64_t time_dim)
      : norm1_(register_module("norm1", torch::nn::GroupNorm(kGroups, in))),
        conv1_(register_module("conv1", conv3x3(in, out))),
        time_(register_module("time", torch::nn::Linear(time_dim, out))),
        norm2_(register_module("norm2", torch::nn::GroupNorm(kGroups, out))),
        conv2_(register_module("conv2", conv3x3(out, out))) {
    if (in != out) skip_ = register_module("skip", torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 1)));
  }

  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& temb) {
    torch::Tensor h = conv1_(torch::silu(norm1_(x)));
    h = h + time_(temb).unsqueeze(-1).unsqueeze(-1);
    h = conv2_(torch::silu(norm2_(h)));
    return (skip_ ? skip_(x) : x) + h;
  }

 private:
  torch::nn::GroupNorm norm1_;
  torch::nn::Conv2d conv1_;
  torch::nn::Linear time_;
  torch::nn::GroupNorm norm2_;
  torch::nn::Conv2d conv2_;
  torch::nn::Conv2d skip_{nullptr};
};
TORCH_MODULE(ResBlock);

class SelfAttentionImpl : public torch::nn::Module {
 public:
  explicit SelfAttentionImpl(int64_t channels)
      : norm_(register_module("norm", torch::nn::GroupNorm(kGroups, channels))),
        qkv_(register_module("qkv", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, 3 * channels, 1)))),
        proj_(register_module("proj", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, channels, 1)))) {}

  torch::Tensor forward(const torch::Tensor& x) {
    const int64_t b = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
    const auto qkv = qkv_(norm_(x)).reshape({b, 3, c, h * w}).unbind(1);
    const torch::Tensor weights = torch::softmax(torch::bmm(qkv[0].transpose(1, 2), qkv[1]) / std::sqrt(double(c)), -1);
    const torch::Tensor attended = torch::bmm(qkv[2], weights.transpose(1, 2)).reshape({b, c, h, w});
    return x + proj_(attended);
  }

 private:
  torch::nn::GroupNorm norm_;
  torch::nn::Conv2d qkv_, proj_;
};
TORCH_MODULE(SelfAttention);

// Marks where a level changes resolution inside the ModuleLists.
class ResampleImpl : public torch::nn::Module {
 public:
  ResampleImpl(int64_t channels, bool down)
      : down_(down), conv_(register_module("conv", conv3x3(channels, channels, down ? 2 : 1))) {}

  torch::Tensor forward(const torch::Tensor& x, at::IntArrayRef target) {
    if (down_) return conv_(x);
    namespace F = torch::nn::functional;
    return conv_(F::interpolate(x, F::InterpolateFuncOptions()
                                       .size(std::vector<int64_t>{target[0], target[1]})
                                       .mode(torch::kNearest)));
  }

 private:
  bool down_;
  torch::nn::Conv2d conv_;
};
TORCH_MODULE(Resample);
}  // namespace

UNetShape unet_preset(const std::string& preset) {
  if (preset == "tiny") return {16, {1, 2, 2}, 2, false};
  if (preset == "small") return {48, {1, 2, 2}, 2, true};
  throw std::invalid_argument("unknown U-Net preset '" + preset + "' (tiny, small)");
}

UNet::UNet(const std::string& preset, std::vector<int64_t> sample_shape)
    : preset_(preset), sample_shape_(std::move(sample_shape)), shape_(unet_preset(preset)) {
  if (sample_shape_.size() != 3) throw std::invalid_argument("a U-Net needs images (C, H, W)");
  const int64_t channels = sample_shape_[0];
  const int64_t time_dim = 4 * shape_.base;
  time_in_ = register_module("time_in", torch::nn::Linear(shape_.base, time_dim));
  time_out_ = register_module("time_out", torch::nn::Linear(time_dim, time_dim));
  conv_in_ = register_module("conv_in", conv3x3(channels, shape_.base));

  std::vector<int64_t> skip_channels = {shape_.base};
  int64_t ch = shape_.base;
  const size_t levels = shape_.multipliers.size();
  for (size_t level = 0; level < levels; ++level) {
    const int64_t out = shape_.base * shape_.multipliers[level];
    for (int64_t i = 0; i < shape_.res_blocks; ++i) {
      down_->push_back(ResBlock(ch, out, time_dim));
      ch = out;
      skip_channels.push_back(ch);
    }
    if (level + 1 < levels) {
      down_->push_back(Resample(ch, true));
      skip_channels.push_back(ch);
    }
  }
  middle_->push_back(ResBlock(ch, ch, time_dim));
  if (shape_.attention) middle_->push_back(SelfAttention(ch));
  middle_->push_back(ResBlock(ch, ch, time_dim));
  for (size_t level = levels; level-- > 0;) {
    const int64_t out = shape_.base * shape_.multipliers[level];
    for (int64_t i = 0; i <= shape_.res_blocks; ++i) {
      up_->push_back(ResBlock(ch + skip_channels.back(), out, time_dim));
      skip_channels.pop_back();
      ch = out;
    }
    if (level > 0) up_->push_back(Resample(ch, false));
  }
  register_module("down", down_);
  register_module("middle", middle_);
  register_module("up", up_);
  norm_out_ = register_module("norm_out", torch::nn::GroupNorm(kGroups, ch));
  conv_out_ = register_module("conv_out", conv3x3(ch, channels));
  torch::NoGradGuard no_grad;
  conv_out_->weight.zero_();  // start as the zero predictor: stable early training
  conv_out_->bias.zero_();
}

torch::Tensor UNet::forward(const torch::Tensor& x, const torch::Tensor& t) {
  const torch::Tensor temb = time_out_(torch::silu(time_in_(timestep_embedding(t, shape_.base))));
  torch::Tensor h = conv_in_(x);
  std::vector<torch::Tensor> skips = {h};
  for (const auto& module : *down_) {
    if (auto* block = module->as<ResBlockImpl>())
      h = block->forward(h, temb);
    else
      h = module->as<ResampleImpl>()->forward(h, {});
    skips.push_back(h);
  }
  for (const auto& module : *middle_) {
    if (auto* block = module->as<ResBlockImpl>())
      h = block->forward(h, temb);
    else
      h = module->as<SelfAttentionImpl>()->forward(h);
  }
  for (const auto& module : *up_) {
    if (auto* block = module->as<ResBlockImpl>()) {
      h = block->forward(torch::cat({h, skips.back()}, 1), temb);
      skips.pop_back();
    } else {
      h = module->as<ResampleImpl>()->forward(h, skips.back().sizes().slice(2));
    }
  }
  return conv_out_(torch::silu(norm_out_(h)));
}

int64_t parameter_count(torch::nn::Module& module) {
  int64_t n = 0;
  for (const auto& p : module.parameters()) n += p.numel();
  return n;
}

}  // namespace eddpm
