#pragma once
// A noise predictor trained elsewhere (PyTorch), loaded from a TorchScript file whose
// forward(x, t) takes x (B, ...) float32 and t (B) int64 0-based timesteps and returns eps, x0 or
// v shaped as x; x0 and v are turned into eps here, with abar_t of the run's noise schedule, so
// the rest of the engine sees eps. Loading a TorchScript file runs code it contains: callers say so before they load one.
// Its weights stay frozen here: EDDPM learns only the mask on it.
#include <filesystem>

#include <torch/script.h>

#include "eps_model.h"

namespace eddpm {

class TorchScriptModel : public EpsModel {
 public:
  // Loads on `device` and calls forward once on a batch of two zero examples at t = 0 and T-1.
  // Throws std::invalid_argument with a one-line reason: unreadable file, a forward that fails
  // on (x, t), or an output of another shape.
  // `prediction`: eps | x0 | v; `alpha_bars`: abar_t for t = 0..T-1 (needed for x0 and v).
  TorchScriptModel(const std::filesystem::path& path, std::vector<int64_t> sample_shape, int T,
                   const c10::Device& device, const std::string& prediction = "eps",
                   const std::vector<double>& alpha_bars = {});

  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& t) override;
  std::string preset() const override { return "torchscript"; }
  std::vector<int64_t> sample_shape() const override { return sample_shape_; }

 private:
  torch::jit::script::Module module_;
  std::vector<int64_t> sample_shape_;
  std::string prediction_;
  torch::Tensor alpha_bars_;  // (T) float32 on the model's device; undefined for eps
};

// The warning printed before a TorchScript file is loaded.
std::string torchscript_warning(const std::filesystem::path& path);

}  // namespace eddpm
