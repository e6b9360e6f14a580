#include "csdi_net.h"

#include <cmath>
#include <stdexcept>

#include <torch/torch.h>

namespace eddpm {
namespace {

torch::nn::Conv1d conv1x1(int64_t in, int64_t out) {
  return torch::nn::Conv1d(torch::nn::Conv1dOptions(in, out, 1));
}

torch::nn::TransformerEncoderLayer attention_layer() {
  // No dropout: the model is small and its samples must not depend on train()/eval().
  return torch::nn::TransformerEncoderLayer(torch::nn::TransformerEncoderLayerOptions(CsdiNet::kChannels, CsdiNet::kHeads)
                                                .dim_feedforward(CsdiNet::kFeedForward)
                                                .dropout(0.0)
                                                .activation(torch::kGELU));
}

constexpr int64_t kSideChannels = CsdiNet::kTimeEmbedding + CsdiNet::kSeriesEmbedding + 1;

}  // namespace

CsdiNet::CsdiNet(const std::vector<int64_t>& sample_shape) {
  if (sample_shape.size() != 2 || sample_shape[0] < 1 || sample_shape[1] < 1)
    throw std::invalid_argument("the csdi model is for time-series windows (series x window)");
  series_ = sample_shape[0];
  window_ = sample_shape[1];
  step_in_ = register_module("step_in", torch::nn::Linear(kStepEmbedding, kStepEmbedding));
  step_out_ = register_module("step_out", torch::nn::Linear(kStepEmbedding, kStepEmbedding));
  series_embedding_ = register_module("series_embedding", torch::nn::Embedding(series_, kSeriesEmbedding));
  input_ = register_module("input", conv1x1(2, kChannels));
  for (int64_t i = 0; i < kLayers; ++i) {
    const std::string p = "layer" + std::to_string(i) + "_";
    Layer layer;
    layer.step = register_module(p + "step", torch::nn::Linear(kStepEmbedding, kChannels));
    layer.along_time = register_module(p + "along_time", attention_layer());
    layer.across_series = register_module(p + "across_series", attention_layer());
    layer.mid = register_module(p + "mid", conv1x1(kChannels, 2 * kChannels));
    layer.side = register_module(p + "side", conv1x1(kSideChannels, 2 * kChannels));
    layer.out = register_module(p + "out", conv1x1(kChannels, 2 * kChannels));
    layers_.push_back(layer);
  }
  head_ = register_module("head", conv1x1(kChannels, kChannels));
  output_ = register_module("output", conv1x1(kChannels, 1));
  torch::NoGradGuard no_grad;
  output_->weight.zero_();
  output_->bias.zero_();
}

std::pair<torch::Tensor, torch::Tensor> CsdiNet::run_layer(Layer& layer, const torch::Tensor& x,
                                                           const torch::Tensor& side, const torch::Tensor& step) {
  const int64_t B = x.size(0), C = x.size(1), K = x.size(2), L = x.size(3);
  torch::Tensor y = x + layer.step(step).view({B, C, 1, 1});
  // Along time: each (window, series) is a sequence of L positions; the encoder takes (L, N, C).
  y = layer.along_time(y.permute({3, 0, 2, 1}).reshape({L, B * K, C}))
          .reshape({L, B, K, C})
          .permute({1, 3, 2, 0});
  if (K > 1)
    y = layer.across_series(y.permute({2, 0, 3, 1}).reshape({K, B * L, C}))
            .reshape({K, B, L, C})
            .permute({1, 3, 0, 2});
  const torch::Tensor flat = y.reshape({B, C, K * L});
  const torch::Tensor mixed = layer.mid(flat) + layer.side(side.reshape({B, kSideChannels, K * L}));
  const auto halves = mixed.chunk(2, 1);
  const torch::Tensor gated = torch::sigmoid(halves[0]) * torch::tanh(halves[1]);
  const auto out = layer.out(gated).chunk(2, 1);
  return {(x + out[0].view({B, C, K, L})) / std::sqrt(2.0), out[1].view({B, C, K, L})};
}

torch::Tensor CsdiNet::forward_conditional(const torch::Tensor& x_t, const torch::Tensor& t,
                                           const torch::Tensor& observed, const torch::Tensor& condition) {
  const int64_t B = x_t.size(0), K = x_t.size(1), L = x_t.size(2);
  if (K != series_) throw std::invalid_argument("csdi model: windows of " + std::to_string(K) +
                                                " series, the model has " + std::to_string(series_));
  // Where the condition holds the network sees the observed value and no noise; elsewhere the reverse.
  const torch::Tensor input = torch::stack({observed * condition, x_t * (1 - condition)}, 1);  // (B, 2, K, L)
  torch::Tensor x = torch::relu(input_(input.reshape({B, 2, K * L}))).view({B, kChannels, K, L});

  const torch::Tensor positions = torch::arange(L, x_t.options().dtype(torch::kLong));
  const torch::Tensor time = timestep_embedding(positions, kTimeEmbedding).to(x_t.dtype());        // (L, Dt)
  const torch::Tensor series = series_embedding_->weight;                                            // (K, Ds)
  const torch::Tensor side = torch::cat({time.t().view({1, kTimeEmbedding, 1, L}).expand({B, kTimeEmbedding, K, L}),
                                         series.t().view({1, kSeriesEmbedding, K, 1}).expand({B, kSeriesEmbedding, K, L}),
                                         condition.unsqueeze(1)},
                                        1);
  const torch::Tensor step = torch::silu(step_out_(torch::silu(step_in_(timestep_embedding(t, kStepEmbedding)))));

  torch::Tensor skips = torch::zeros_like(x);
  for (Layer& layer : layers_) {
    auto [next, skip] = run_layer(layer, x, side, step);
    x = next;
    skips = skips + skip;
  }
  const torch::Tensor h = torch::relu(head_((skips / std::sqrt(double(kLayers))).reshape({B, kChannels, K * L})));
  return output_(h).view({B, K, L});
}

}  // namespace eddpm
