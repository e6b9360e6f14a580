// The device step: one iteration of Algorithm 1 with no read back to the host, so that on CUDA it
// can be captured once in a CUDA graph and replayed (graphed_step.h). What changes between
// iterations reaches the device as data: the batch is copied into a fixed buffer and the scalars
// (Adam's bias corrections and learning rate, the mask's learning rate, the budget of the ramp,
// whether the mask learns yet) into a small tensor. It draws the same random numbers in the same
// order as the plain step without the fused draw, so both follow the same run on one seed.
#include "eddpm_trainer.h"

#include <algorithm>

#include "mask_settling.h"

namespace eddpm {

namespace {
enum Scalar {
  kNegStepSize, kSqrtBiasCorrection2, kMaskRate, kFreeBudget, kMaskLearns, kSettleRate, kSettleToTarget, kWeightsEmaDecay, kScalars
};
}  // namespace

void EddpmTrainer::step_on_device() {
  const torch::Tensor batch = trained_.data->sample(trained_.config.batch, data_gen_);
  if (!x0_.defined()) {
    x0_ = torch::empty(batch.sizes(), batch.options().device(trained_.device));
    scalars_ = torch::zeros({kScalars}, torch::TensorOptions().dtype(torch::kFloat64).device(trained_.device));
  }
  if (!settle_indicator_.defined()) set_settle_target(settle_target_);  // the buffer a graph captures
  if (!trained_.config.freeze_model && !device_adam_) device_adam_ = std::make_unique<DeviceAdam>(*optimizer_);
  if (!graphed_) graphed_ = std::make_unique<GraphedStep>(trained_.device);

  std::array<double, kScalars> host{};
  if (device_adam_) {
    const auto factors = device_adam_->count_next_step();
    host[kNegStepSize] = factors[0];
    host[kSqrtBiasCorrection2] = factors[1];
  }
  const double budget = ramp_.gamma(iteration_) * trained_.noise.T();
  host[kMaskRate] = trained_.config.lr_s;
  host[kFreeBudget] = std::max(0.0, budget - 1.0);  // the pinned last step spends 1
  host[kMaskLearns] = iteration_ >= ramp_.warmup ? 1.0 : 0.0;
  host[kSettleRate] = trained_.config.settle ? settle_rate(iteration_, ramp_.ramp_end, trained_.config.iters) : 0.0;
  host[kSettleToTarget] = settle_target_.empty() ? 0.0 : 1.0;
  host[kWeightsEmaDecay] = weights_ema_decay(iteration_);
  batch_copy_.copy(batch, x0_);
  scalars_copy_.copy(torch::from_blob(host.data(), {kScalars}, torch::kFloat64), scalars_);
  graphed_->run([this] { device_iteration(); });
  ++accumulated_;
  ++iteration_;
}

void EddpmTrainer::device_iteration() {
  torch::AutoGradMode grad_mode(!trained_.config.freeze_model);
  const Forward f = forward(x0_);
  const torch::Tensor& mean_loss = f.mean_loss;
  if (!trained_.config.freeze_model)
    device_adam_->minimize(mean_loss.to(torch::kFloat32), trained_.config.grad_clip,
                           scalars_.slice(0, kNegStepSize, kSqrtBiasCorrection2 + 1));
  if (!trained_.config.freeze_model && ema_model_) update_weights_ema(scalars_[kWeightsEmaDecay]);
  {
    torch::NoGradGuard no_grad;
    const int T = trained_.noise.T();
    const torch::Tensor z = s_ - scalars_[kMaskRate] * mask_gradient(f.draw.masks, f.rewards);
    torch::Tensor next = torch::ones_like(s_);
    next.slice(0, 0, T - 1).copy_(
        project_to_budget_on_device(z.slice(0, 0, T - 1), scalars_[kFreeBudget], trained_.config.budget_rule));
    if (trained_.config.settle) {
      const torch::Tensor indicator = torch::where(scalars_[kSettleToTarget] > 0.5, settle_indicator_,
                                                   top_k_indicator_on_device(next, trained_.config.steps_kept()));
      next = settle_toward_on_device(next, indicator, scalars_[kSettleRate]);
    }
    s_.copy_(torch::where(scalars_[kMaskLearns] > 0.5, next, s_));
    const torch::Tensor mean_reward = f.rewards.mean();
    ema_.copy_(trained_.config.ema_decay * ema_ + (1.0 - trained_.config.ema_decay) * mean_reward);
    loss_sum_ += mean_loss.detach();
    reward_sum_ += mean_reward;
  }
}

}  // namespace eddpm
