#pragma once
// A training run's checkpoint (checkpoint.h's file with the trainer's whole state): saved as it
// trains, resumed to continue it, or a start for another run.
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "eddpm_trainer.h"

namespace eddpm {

void save_checkpoint(const EddpmTrainer& trainer, const std::filesystem::path& path);

// The trainer that continues the run saved in `path`, its optimizer, mask state and random streams
// restored. Throws as read_checkpoint (checkpoint.h); `notice` hears a TorchScript model's warning.
// `group`: the ranks that resume it together (eddpm_trainer.h), each from the same file.
std::unique_ptr<EddpmTrainer> resume_training(const std::filesystem::path& path, const std::string& device = "auto",
                                              const std::function<void(const std::string&)>& notice = {},
                                              std::shared_ptr<Collective> group = nullptr);

// Starts a new run from a trained model: copies the checkpoint's model weights (those it samples
// with) into `trainer`. The model preset, data, image size and channels, T and beta schedule must
// match; throws std::invalid_argument naming them.
void copy_model_weights(const std::filesystem::path& checkpoint, EddpmTrainer& trainer);

}  // namespace eddpm
