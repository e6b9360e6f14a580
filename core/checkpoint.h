#pragma once
// One file holds a whole run: model, optimizer, mask probabilities s, config, iteration and the
// RNG streams. Written atomically; read without running anything the file contains.
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include <c10/core/Device.h>

#include "eddpm_trainer.h"

namespace eddpm {

void save_checkpoint(const EddpmTrainer& trainer, const std::filesystem::path& path);

// Throws std::runtime_error with a one-line reason for a missing, truncated or foreign file.
// `device` "auto" uses the GPU when there is one. A run over a TorchScript model loads that file,
// which runs its code: `notice` hears the warning first.
std::unique_ptr<EddpmTrainer> load_checkpoint(const std::filesystem::path& path,
                                              const std::string& device = "auto",
                                              const std::function<void(const std::string&)>& notice = {});

// Starts a new run from a trained model: copies the checkpoint's model weights into `trainer`.
// The model preset, data, image size and channels, T and beta schedule must match; throws
// std::invalid_argument naming them.
void copy_model_weights(const std::filesystem::path& checkpoint, EddpmTrainer& trainer);

}  // namespace eddpm
