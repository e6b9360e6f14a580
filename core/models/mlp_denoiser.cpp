#include "mlp_denoiser.h"

#include <cmath>

#include <torch/nn/functional/activation.h>

namespace eddpm {

torch::Tensor timestep_embedding(const torch::Tensor& t, int64_t dim) {
  const int64_t half = dim / 2;
  const torch::Tensor freqs = torch::exp(
      -std::log(10000.0) * torch::arange(half, torch::TensorOptions().dtype(torch::kFloat32).device(t.device())) / half);
  const torch::Tensor args = t.to(torch::kFloat32).unsqueeze(1) * freqs.unsqueeze(0);
  return torch::cat({torch::sin(args), torch::cos(args)}, 1);
}

MlpDenoiser::MlpDenoiser(int64_t data_dim) : data_dim_(data_dim) {
  in_x_ = register_module("in_x", torch::nn::Linear(data_dim, kHidden));
  in_t_ = register_module("in_t", torch::nn::Linear(kEmbedding, kHidden));
  h1_ = register_module("h1", torch::nn::Linear(kHidden, kHidden));
  h2_ = register_module("h2", torch::nn::Linear(kHidden, kHidden));
  h3_ = register_module("h3", torch::nn::Linear(kHidden, kHidden));
  out_ = register_module("out", torch::nn::Linear(kHidden, data_dim));
}

torch::Tensor MlpDenoiser::forward(const torch::Tensor& x, const torch::Tensor& t) {
  torch::Tensor h = torch::silu(in_x_(x) + in_t_(timestep_embedding(t, kEmbedding)));
  h = torch::silu(h1_(h));
  h = torch::silu(h2_(h));
  h = torch::silu(h3_(h));
  return out_(h);
}

}  // namespace eddpm
