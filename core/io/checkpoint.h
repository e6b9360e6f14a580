#pragma once
// The checkpoint file: one file holds a whole run (model, optimizer, mask probabilities s, config,
// iteration and the RNG streams). Written atomically; read without running anything the file
// contains. Here: the file's frame and the trained model in it. The trainer's own state is
// training's (training_checkpoint.h).
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>

#include <torch/serialize/archive.h>

#include "trained_model.h"

namespace eddpm {

// Thrown inside read_checkpoint's `read` when the checkpoint names data or a model file that cannot
// be had here: reported as that reason, not as a damaged file.
struct CheckpointSetupError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// Writes the format tag, version and config, then whatever `state` writes, to `path` atomically.
void write_checkpoint(const TrainConfig& config, const std::function<void(torch::serialize::OutputArchive&)>& state,
                      const std::filesystem::path& path);

// Opens `path`, refuses code and foreign or newer files, and hands `read` the config and the
// archive. Throws std::runtime_error with a one-line reason naming the file for a missing,
// truncated, foreign or damaged file (whatever `read` throws becomes "damaged checkpoint (...)").
// A run over a TorchScript model will load that file, which runs its code: `notice` hears the
// warning before `read` is called.
void read_checkpoint(const std::filesystem::path& path,
                     const std::function<void(const TrainConfig&, torch::serialize::InputArchive&)>& read,
                     const std::function<void(const std::string&)>& notice = {});

// The mask probabilities s, checked: T of them, each in [0, 1] (float64 on the CPU).
torch::Tensor read_mask(torch::serialize::InputArchive& archive, int T);
int64_t read_iteration(torch::serialize::InputArchive& archive);

// The trained model in a checkpoint, with the weights it samples with (the EMA where kept); builds
// no optimizer. `device` "auto" uses the GPU when there is one. Throws and notices as read_checkpoint.
TrainedModel load_checkpoint(const std::filesystem::path& path, const std::string& device = "auto",
                             const std::function<void(const std::string&)>& notice = {});

}  // namespace eddpm
