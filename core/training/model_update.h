#pragma once
// The model's half of an iteration: Adam on the loss with the gradient clipped by its global norm
// (spec section 4, step 4), then the EMA of the weights that sampling uses moved toward them. Two
// forms of the one update on one optimizer state: minimize() reads its scalars on the host
// (torch::optim::Adam, the plain step); the device step's minimize_on_device() takes them as device
// data (DeviceAdam), so a CUDA graph can replay it. test_trainer holds the two steps equal.
#include <array>
#include <memory>
#include <variant>

#include <torch/optim/adam.h>
#include <torch/serialize/archive.h>
#include <torch/types.h>

#include "collective.h"
#include "device_optimizer.h"
#include "eps_model.h"

namespace eddpm {

class ModelUpdate {
 public:
  // `ema_model` (null: none) averages `model`'s weights with decay `weights_ema`.
  ModelUpdate(std::shared_ptr<EpsModel> model, std::shared_ptr<EpsModel> ema_model, double lr, double grad_clip,
              double weights_ema);

  EpsModel& model() { return *model_; }
  // The weights to sample with: the EMA where there is one, else the trained weights.
  std::shared_ptr<EpsModel> sampling_model() const { return ema_model_ ? ema_model_ : model_; }
  bool keeps_weights_ema() const { return ema_model_ != nullptr; }
  // Sets the EMA to the weights as they are now (after weights were copied in from elsewhere).
  void restart_weights_ema();
  void set_learning_rate(double lr);

  // Data-parallel training: the gradients are averaged over `group`'s ranks before they are clipped,
  // so every rank takes the same step, the one a single process with all their batches would take.
  void average_gradients_over(Collective* group) { group_ = group; }

  // One update from `loss` (float32) after `updates` earlier ones.
  void minimize(const torch::Tensor& loss, int64_t updates);

  // The device form: next_device_values() is its host part (it counts the step), to be copied into
  // the (kModelValueCount) float64 tensor minimize_on_device() reads.
  enum Value { kNegStepSize, kSqrtBiasCorrection2, kWeightsEmaDecay, kModelValueCount };
  std::array<double, kModelValueCount> next_device_values(int64_t updates);
  void minimize_on_device(const torch::Tensor& loss, const torch::Tensor& values);

  // The checkpoint's "model", "optimizer" and "model_ema" entries (a checkpoint without the last
  // starts the EMA from the weights).
  void save(torch::serialize::OutputArchive& archive) const;
  void load(torch::serialize::InputArchive& archive, const c10::Device& device);

 private:
  // min(weights_ema, (1 + n) / (10 + n)) after n updates, so that a short run's average is not
  // dominated by its random initialization.
  double weights_ema_decay(int64_t updates) const;
  // The decay a host number (the plain step) or a 0-dim tensor on the device (the device step).
  void update_weights_ema(const std::variant<double, torch::Tensor>& decay);

  std::shared_ptr<EpsModel> model_, ema_model_;
  std::unique_ptr<torch::optim::Adam> optimizer_;
  std::unique_ptr<DeviceAdam> device_adam_;  // bound lazily: loading a checkpoint replaces the state
  double grad_clip_ = 0.0, weights_ema_ = 0.0;
  Collective* group_ = nullptr;  // not owned; null: one process
};

}  // namespace eddpm
