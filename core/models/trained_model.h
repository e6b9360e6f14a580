#pragma once
// A trained model as sampling, measuring and schedule search take it: the settings it was trained
// with, its noise schedule, the network to sample with, the data it models and the mask it learned.
// load_checkpoint (checkpoint.h) returns one; a trainer owns one and hands it out between
// iterations. Nothing here trains: it carries no optimizer and no training state.
//
// A value that shares its network: copies point at the same weights (a torch::nn::Module, like a
// tensor, has reference semantics). Whoever trains those weights must not step while another thread
// samples a copy.
#include <cstdint>
#include <vector>

#include <c10/core/Device.h>

#include "dataset.h"
#include "eps_model.h"
#include "noise_schedule.h"
#include "train_config.h"

namespace eddpm {

struct TrainedModel {
  TrainConfig config;            // semantics, T, K (steps_kept()) and the rest of the run's settings
  NoiseSchedule noise{BetaSpec{}};  // config.beta's
  c10::Device device = c10::kCPU;
  DatasetPtr data;               // what it models: the data set, for shapes and for measuring
  EpsModelPtr model;             // the weights to sample with: the EMA where the run keeps one
  std::vector<double> mask;      // the learned mask probabilities s, 0-based timestep order
  int64_t iteration = 0;         // iterations trained

  // The learned schedule: the mask's top K = config.steps_kept() timesteps, descending.
  std::vector<int> learned_steps() const;
};

}  // namespace eddpm
