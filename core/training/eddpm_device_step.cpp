// The device step: one iteration of Algorithm 1 with no read back to the host, so that on CUDA it
// can be captured once in a CUDA graph and replayed (graphed_step.h). What changes between
// iterations reaches the device as data: the batch is copied into a fixed buffer and the values of
// the model's update (Adam's factors, the EMA's decay) and the mask's (MaskUpdateValues) into a
// small tensor. It draws the same random numbers in the same order as the plain step without the
// fused draw, so both follow the same run on one seed.
#include "eddpm_trainer.h"

namespace eddpm {

namespace {
// step_values_: ModelUpdate's values, then the mask update's.
constexpr int64_t kMaskValuesAt = ModelUpdate::kModelValueCount;
constexpr int64_t kStepValueCount = kMaskValuesAt + MaskValue::count;
}  // namespace

void EddpmTrainer::step_on_device() {
  const torch::Tensor batch = trained_.data->sample(trained_.config.batch, data_gen_);
  if (!x0_.defined()) {
    x0_ = torch::empty(batch.sizes(), batch.options().device(trained_.device));
    step_values_ = torch::zeros({kStepValueCount}, torch::TensorOptions().dtype(torch::kFloat64).device(trained_.device));
  }
  if (!graphed_) graphed_ = std::make_unique<GraphedStep>(trained_.device);

  std::array<double, kStepValueCount> host{};
  if (!trained_.config.freeze_model) {
    const auto model_values = model_update_->next_device_values(iteration_);
    std::copy(model_values.begin(), model_values.end(), host.begin());
  }
  const auto mask_values = mask_value_array(mask_update_values());
  std::copy(mask_values.begin(), mask_values.end(), host.begin() + kMaskValuesAt);
  batch_copy_.copy(batch, x0_);
  values_copy_.copy(torch::from_blob(host.data(), {kStepValueCount}, torch::kFloat64), step_values_);
  graphed_->run([this] { device_iteration(); });
  ++accumulated_;
  ++iteration_;
}

void EddpmTrainer::device_iteration() {
  torch::AutoGradMode grad_mode(!trained_.config.freeze_model);
  const Forward f = forward(x0_);
  const torch::Tensor& mean_loss = f.mean_loss;
  if (!trained_.config.freeze_model)
    model_update_->minimize_on_device(mean_loss.to(torch::kFloat32), step_values_.slice(0, 0, kMaskValuesAt));
  {
    torch::NoGradGuard no_grad;
    s_.copy_(eddpm::update_mask(MaskUpdateRule::of(trained_.config), s_, f.draw.masks, f.rewards, ema_, step_values_.slice(0, kMaskValuesAt),
                         settle_indicator_));
    const torch::Tensor mean_reward = f.rewards.mean();
    ema_.copy_(trained_.config.ema_decay * ema_ + (1.0 - trained_.config.ema_decay) * mean_reward);
    loss_sum_ += mean_loss.detach();
    reward_sum_ += mean_reward;
  }
}

}  // namespace eddpm
