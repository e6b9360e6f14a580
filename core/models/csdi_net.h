#pragma once
// The time-series model: a conditional noise predictor over windows of `series` x `window` values,
// after CSDI (Tashiro et al., NeurIPS 2021), sized for two CPU cores.
//
// Input, two channels per value: the observed value where the condition is 1 (else 0) and the noisy
// value where it is 0 (else 0). Side information per value: a sinusoidal embedding of its time
// position (kTimeEmbedding), a learned embedding of its series (kSeriesEmbedding) and the condition
// itself. The diffusion step enters as a sinusoidal embedding through two linear layers. Then
// kLayers residual layers, each: add the step's projection; attention along time (a transformer
// encoder layer over the window's positions); attention across series (over the series, where
// there are two or more); a gated activation sigmoid(a) * tanh(b) of the features plus the side
// information's projection; a 1x1 projection split into the residual and a skip. The skips'
// sum scaled by 1/sqrt(kLayers) goes through ReLU and 1x1 convolutions to one channel, whose last
// layer starts at zero (an untrained model predicts no noise, as CSDI's does).
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/transformer.h>

#include "conditional_eps_model.h"

namespace eddpm {

class CsdiNet : public ConditionalEpsModel {
 public:
  static constexpr int64_t kChannels = 32;
  static constexpr int64_t kLayers = 3;
  static constexpr int64_t kHeads = 4;
  static constexpr int64_t kFeedForward = 64;
  static constexpr int64_t kStepEmbedding = 64;
  static constexpr int64_t kTimeEmbedding = 64;
  static constexpr int64_t kSeriesEmbedding = 16;

  // sample_shape: {series, window}.
  explicit CsdiNet(const std::vector<int64_t>& sample_shape);
  torch::Tensor forward_conditional(const torch::Tensor& x_t, const torch::Tensor& t, const torch::Tensor& observed,
                                    const torch::Tensor& condition) override;
  std::string preset() const override { return "csdi"; }
  std::vector<int64_t> sample_shape() const override { return {series_, window_}; }

 private:
  struct Layer {
    torch::nn::Linear step{nullptr};
    torch::nn::TransformerEncoderLayer along_time{nullptr}, across_series{nullptr};
    torch::nn::Conv1d mid{nullptr}, side{nullptr}, out{nullptr};
  };
  // x: (B, C, K, L) -> (x + residual) / sqrt 2, skip
  std::pair<torch::Tensor, torch::Tensor> run_layer(Layer& layer, const torch::Tensor& x, const torch::Tensor& side,
                                                    const torch::Tensor& step);

  int64_t series_, window_;
  torch::nn::Linear step_in_{nullptr}, step_out_{nullptr};
  torch::nn::Embedding series_embedding_{nullptr};
  torch::nn::Conv1d input_{nullptr}, head_{nullptr}, output_{nullptr};
  std::vector<Layer> layers_;
};

}  // namespace eddpm
