#pragma once
// The model's update without reads back to the host, so a whole training step can be captured in
// a CUDA graph: clipping by the global gradient norm, and Adam whose step-dependent factors come
// in as a tensor. The moments stay in torch::optim::Adam's own state, so checkpoints are unchanged.
#include <array>
#include <vector>

#include <torch/optim/adam.h>
#include <torch/types.h>

namespace eddpm {

// Scales every gradient by min(1, max_norm / (||g||_2 + 1e-6)), the arithmetic of
// torch::nn::utils::clip_grad_norm_, without returning the norm (which reads the device).
void clip_grad_norm_on_device(const std::vector<torch::Tensor>& params, double max_norm);

class DeviceAdam {
 public:
  // Binds the optimizer's state, creating what its first step would (zero moments, step 0). Plain
  // Adam only: betas, eps and lr may be anything; weight decay and amsgrad are refused.
  explicit DeviceAdam(torch::optim::Adam& adam);

  // The host side of the next update: counts it in the optimizer's state and returns the factors
  // {-lr / (1 - beta1^n), sqrt(1 - beta2^n)} for the step count n, for step() to read on the device.
  std::array<double, 2> count_next_step();
  // p -= lr / bc1 * m / (sqrt(v) / sqrt(bc2) + eps), with factors a (2) float64 tensor on the
  // parameters' device.
  void step(const torch::Tensor& factors);
  // One whole model update from `loss`: gradients zeroed in place (a captured graph keeps writing
  // the same tensors), backward, clipping when grad_clip > 0, step().
  void minimize(const torch::Tensor& loss, double grad_clip, const torch::Tensor& factors);

 private:
  torch::optim::Adam& adam_;
  std::vector<torch::Tensor> params_;
  std::vector<torch::optim::AdamParamState*> states_;
};

}  // namespace eddpm
