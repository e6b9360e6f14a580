#pragma once
// Starting a run from a trained model: a checkpoint's weights or a TorchScript model trained in
// PyTorch. `eddpm train --from` and the explorer's "Start from" share these rules.
#include <string>

#include "train_config.h"

namespace eddpm {

// A TorchScript file by its extension (.ts, .jit, .torchscript); anything else is a checkpoint.
bool is_torchscript_file(const std::string& path);

// The settings the user chose; the others take the defaults of a start from a trained model.
struct ChosenSettings {
  bool semantics = false;
  bool reward = false;
  bool warmup = false;
};

// What starting from `from` changes in `config`: a TorchScript model is the run's model and stays
// frozen (only the mask learns). Where not chosen: no full-chain warm-up (the model is trained
// already), and a frozen model keeps the noise levels it was trained on (jump) and its mask is
// scored by its samples' distance to the data (the best reward on its own measure in 4 of 6
// settings, docs/FINDINGS.md).
void apply_start_from(TrainConfig& config, const std::string& from, const ChosenSettings& chosen);

}  // namespace eddpm
