#include "unet.h"

#include <cmath>
#include <iomanip>
#include <sstream>
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

  bool has_skip() const { return !skip_.is_empty(); }

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

  bool down() const { return down_; }

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

namespace {
// Helpers of the generated source; GroupNorm's 8 groups and eps 1e-5 as torch::nn::GroupNorm's.
const char* const kTorchScriptHelpers = R"JIT(
def silu(self, h):
    return h * torch.sigmoid(h)

def linear(self, h, w, b):
    return torch.matmul(h, w.t()) + b

def norm(self, h, w, b):
    return torch.group_norm(h, 8, w, b, 1e-05, True)

def conv(self, h, w, b, stride: int, padding: int):
    return torch.conv2d(h, w, b, [stride, stride], [padding, padding])

def block(self, x, temb, n1w, n1b, c1w, c1b, tw, tb, n2w, n2b, c2w, c2b):
    h = self.conv(self.silu(self.norm(x, n1w, n1b)), c1w, c1b, 1, 1)
    h = h + self.linear(temb, tw, tb).unsqueeze(-1).unsqueeze(-1)
    return self.conv(self.silu(self.norm(h, n2w, n2b)), c2w, c2b, 1, 1)

def attend(self, x, nw, nb, qw, qb, pw, pb):
    b = x.size(0)
    c = x.size(1)
    hh = x.size(2)
    ww = x.size(3)
    qkv = self.conv(self.norm(x, nw, nb), qw, qb, 1, 0).reshape([b, 3, c, hh * ww]).unbind(1)
    weights = torch.softmax(torch.bmm(qkv[0].transpose(1, 2), qkv[1]) / (float(c) ** 0.5), -1)
    attended = torch.bmm(qkv[2], weights.transpose(1, 2)).reshape([b, c, hh, ww])
    return x + self.conv(attended, pw, pb, 1, 0)
)JIT";

// "self.down_0_norm1_weight, self.down_0_norm1_bias" for prefix "down_0_norm1".
std::string weight_and_bias(const std::string& prefix) {
  return "self." + prefix + "_weight, self." + prefix + "_bias";
}

std::string block_call(const std::string& x, const std::string& p, bool skip) {
  std::string call = "self.block(" + x + ", temb, " + weight_and_bias(p + "_norm1") + ", " + weight_and_bias(p + "_conv1") +
                     ", " + weight_and_bias(p + "_time") + ", " + weight_and_bias(p + "_norm2") + ", " +
                     weight_and_bias(p + "_conv2") + ")";
  const std::string shortcut = skip ? "self.conv(" + x + ", " + weight_and_bias(p + "_skip") + ", 1, 0)" : x;
  return shortcut + " + " + call;
}
}  // namespace

std::string UNet::torchscript_source() const {
  std::ostringstream s;
  s << std::setprecision(17) << kTorchScriptHelpers << "\ndef forward(self, x, t):\n";
  const int64_t half = shape_.base / 2;  // timestep_embedding(t, base)
  s << "    freqs = torch.exp(" << -std::log(10000.0) << " * torch.arange(" << half
    << ", device=t.device).float() / " << half << ")\n"
    << "    args = t.float().unsqueeze(1) * freqs.unsqueeze(0)\n"
    << "    temb = torch.cat([torch.sin(args), torch.cos(args)], 1)\n"
    << "    temb = self.linear(self.silu(self.linear(temb, " << weight_and_bias("time_in") << ")), "
    << weight_and_bias("time_out") << ")\n"
    << "    h = self.conv(x, " << weight_and_bias("conv_in") << ", 1, 1)\n"
    << "    s0 = h\n";
  int skips = 1;
  for (size_t i = 0; i < down_->size(); ++i) {
    const std::string p = "down_" + std::to_string(i);
    if (const auto* block = down_->ptr(i)->as<ResBlockImpl>())
      s << "    h = " << block_call("h", p, block->has_skip()) << "\n";
    else
      s << "    h = self.conv(h, " << weight_and_bias(p + "_conv") << ", 2, 1)\n";
    s << "    s" << skips++ << " = h\n";
  }
  for (size_t i = 0; i < middle_->size(); ++i) {
    const std::string p = "middle_" + std::to_string(i);
    if (const auto* block = middle_->ptr(i)->as<ResBlockImpl>())
      s << "    h = " << block_call("h", p, block->has_skip()) << "\n";
    else
      s << "    h = self.attend(h, " << weight_and_bias(p + "_norm") << ", " << weight_and_bias(p + "_qkv") << ", "
        << weight_and_bias(p + "_proj") << ")\n";
  }
  for (size_t i = 0; i < up_->size(); ++i) {
    const std::string p = "up_" + std::to_string(i);
    const std::string skip = "s" + std::to_string(skips - 1);
    if (const auto* block = up_->ptr(i)->as<ResBlockImpl>()) {
      s << "    c = torch.cat([h, " << skip << "], 1)\n"
        << "    h = " << block_call("c", p, block->has_skip()) << "\n";
      --skips;
    } else {  // nearest-neighbour up to the next skip's size, as F::interpolate
      s << "    h = self.conv(torch.upsample_nearest2d(h, [" << skip << ".size(2), " << skip << ".size(3)]), "
        << weight_and_bias(p + "_conv") << ", 1, 1)\n";
    }
  }
  s << "    return self.conv(self.silu(self.norm(h, " << weight_and_bias("norm_out") << ")), "
    << weight_and_bias("conv_out") << ", 1, 1)\n";
  return s.str();
}

int64_t parameter_count(torch::nn::Module& module) {
  int64_t n = 0;
  for (const auto& p : module.parameters()) n += p.numel();
  return n;
}

}  // namespace eddpm
