#pragma once
// The setup panel's plain settings as the engine's training config, and back.
#include "train_config.h"
#include "training_settings.h"

namespace eddpm::explorer {

// Throws std::invalid_argument with the reason the settings cannot run.
TrainConfig to_train_config(const widgets::TrainingSettings& settings);

// What the setup panel shows for a run with this config (a resumed run's own settings).
widgets::TrainingSettings from_train_config(const TrainConfig& config, const QString& runDir);

// The panel's settings once the user chose the model to start from (or mask-only training): the
// defaults `eddpm train --from` gives (pretrained_start.h), shown in the form, where the user may
// change them again.
widgets::TrainingSettings with_start_from_defaults(widgets::TrainingSettings settings);
// The panel's settings once the user picked a base noise schedule: the semantics `eddpm train`
// gives it (default_semantics in train_config.h; jump still for a frozen start).
widgets::TrainingSettings with_base_schedule_defaults(widgets::TrainingSettings settings);

}  // namespace eddpm::explorer
