#pragma once
// The noise-prediction network eps_theta(x, t) every part of the engine trains and samples with.
#include <memory>
#include <string>

#include <torch/nn/module.h>
#include <torch/types.h>

namespace eddpm {

class EpsModel : public torch::nn::Module {
 public:
  // x: (B, ...) noisy data; t: (B) int64 0-based timesteps. Returns the predicted noise, shaped as x.
  virtual torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& t) = 0;
  // The preset name stored in checkpoints ("mlp", ...), used to rebuild the model on load.
  virtual std::string preset() const = 0;
  // Shape of one example, e.g. {2} for 2-D points.
  virtual std::vector<int64_t> sample_shape() const = 0;
};

using EpsModelPtr = std::shared_ptr<EpsModel>;

// Sinusoidal embedding of integer timesteps: dim/2 sines then dim/2 cosines at frequencies
// exp(-ln(10000) i / (dim/2)).
torch::Tensor timestep_embedding(const torch::Tensor& t, int64_t dim);

}  // namespace eddpm
