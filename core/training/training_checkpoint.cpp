#include "training_checkpoint.h"

#include <torch/serialize/archive.h>

#include "checkpoint.h"
#include "compute_device.h"

namespace eddpm {

void save_checkpoint(const EddpmTrainer& trainer, const std::filesystem::path& path) {
  write_checkpoint(trainer.config(), [&](torch::serialize::OutputArchive& archive) { trainer.save_state(archive); },
                   path);
}

std::unique_ptr<EddpmTrainer> resume_training(const std::filesystem::path& path, const std::string& device,
                                              const std::function<void(const std::string&)>& notice,
                                              std::shared_ptr<Collective> group) {
  std::unique_ptr<EddpmTrainer> trainer;
  read_checkpoint(path, [&](const TrainConfig& config, torch::serialize::InputArchive& archive) {
    try {
      trainer = std::make_unique<EddpmTrainer>(config, resolve_device(device), nullptr, group);
    } catch (const std::invalid_argument& e) {
      throw CheckpointSetupError(e.what());
    }
    trainer->load_state(archive);
  }, notice);
  return trainer;
}

void copy_model_weights(const std::filesystem::path& checkpoint, EddpmTrainer& trainer) {
  const TrainedModel source = load_checkpoint(checkpoint, "cpu");
  const TrainConfig& from = source.config;
  const TrainConfig& to = trainer.config();
  const bool same_images = !from.image_data() || (from.image_size() == to.image_size() &&
                                                  from.image_channels() == to.image_channels());
  if (from.model != to.model || from.beta.T != to.beta.T || from.beta.kind != to.beta.kind ||
      from.beta.b1 != to.beta.b1 || from.beta.bT != to.beta.bT || from.data != to.data || !same_images)
    throw std::invalid_argument(checkpoint.string() + " was trained with model " + from.model + ", data " + from.data +
                                (from.image_data() ? " at " + std::to_string(from.image_size()) + "x" +
                                                         std::to_string(from.image_size()) + "x" +
                                                         std::to_string(from.image_channels())
                                                   : std::string()) +
                                ", T=" + std::to_string(from.beta.T) + ", beta " + to_string(from.beta.kind) +
                                ": start from it with the same settings");
  torch::NoGradGuard no_grad;
  // The weights the source samples with: its EMA where it keeps one.
  auto target = trainer.model().named_parameters();
  for (const auto& item : source.model->named_parameters()) target[item.key()].copy_(item.value());
  trainer.restart_weights_ema();
}

}  // namespace eddpm
