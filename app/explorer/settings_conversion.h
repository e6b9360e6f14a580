#pragma once
// The setup panel's plain settings as the engine's training config.
#include "train_config.h"
#include "training_settings.h"

namespace eddpm::explorer {

// Throws std::invalid_argument with the reason the settings cannot run.
TrainConfig to_train_config(const widgets::TrainingSettings& settings);

}  // namespace eddpm::explorer
