#include "model_update.h"

#include <algorithm>

#include <torch/nn/utils/clip_grad.h>

namespace eddpm {

namespace {
// Buffers (statistics, not learned) are not averaged: the EMA model takes the trained model's.
void copy_buffers(torch::nn::Module& from, torch::nn::Module& to) {
  const auto source = from.buffers();
  auto target = to.buffers();
  for (size_t i = 0; i < target.size(); ++i) target[i].copy_(source[i]);
}
}  // namespace

ModelUpdate::ModelUpdate(std::shared_ptr<EpsModel> model, std::shared_ptr<EpsModel> ema_model, double lr,
                         double grad_clip, double weights_ema)
    : model_(std::move(model)), ema_model_(std::move(ema_model)), grad_clip_(grad_clip), weights_ema_(weights_ema) {
  optimizer_ = std::make_unique<torch::optim::Adam>(model_->parameters(), torch::optim::AdamOptions(lr));
  if (ema_model_) {
    for (auto& p : ema_model_->parameters()) p.set_requires_grad(false);
    restart_weights_ema();
  }
}

void ModelUpdate::restart_weights_ema() {
  if (!ema_model_) return;
  torch::NoGradGuard no_grad;
  const auto from = model_->parameters();
  auto to = ema_model_->parameters();
  for (size_t i = 0; i < to.size(); ++i) to[i].copy_(from[i]);
  copy_buffers(*model_, *ema_model_);
}

void ModelUpdate::set_learning_rate(double lr) {
  for (auto& group : optimizer_->param_groups()) static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
}

double ModelUpdate::weights_ema_decay(int64_t updates) const {
  return std::min(weights_ema_, (1.0 + double(updates)) / (10.0 + double(updates)));
}

void ModelUpdate::update_weights_ema(const std::variant<double, torch::Tensor>& decay) {
  torch::NoGradGuard no_grad;
  const auto from = model_->parameters();
  auto to = ema_model_->parameters();
  if (const double* host = std::get_if<double>(&decay)) {
    for (size_t i = 0; i < to.size(); ++i) to[i].lerp_(from[i], 1.0 - *host);
  } else {
    const torch::Tensor weight = (1.0 - std::get<torch::Tensor>(decay)).to(torch::kFloat32);
    for (size_t i = 0; i < to.size(); ++i) to[i].lerp_(from[i], weight.to(to[i].scalar_type()));
  }
  copy_buffers(*model_, *ema_model_);
}

void ModelUpdate::minimize(const torch::Tensor& loss, int64_t updates) {
  optimizer_->zero_grad();
  loss.backward();
  if (group_ && group_->distributed()) {
    std::vector<torch::Tensor> grads;
    for (const auto& p : model_->parameters())
      if (p.grad().defined()) grads.push_back(p.grad());
    group_->average(grads);
  }
  if (grad_clip_ > 0) torch::nn::utils::clip_grad_norm_(model_->parameters(), grad_clip_);
  optimizer_->step();
  if (ema_model_) update_weights_ema(weights_ema_decay(updates));
}

std::array<double, ModelUpdate::kModelValueCount> ModelUpdate::next_device_values(int64_t updates) {
  if (!device_adam_) device_adam_ = std::make_unique<DeviceAdam>(*optimizer_);
  const auto factors = device_adam_->count_next_step();
  return {factors[0], factors[1], weights_ema_decay(updates)};
}

void ModelUpdate::minimize_on_device(const torch::Tensor& loss, const torch::Tensor& values) {
  device_adam_->minimize(loss, grad_clip_, values.slice(0, kNegStepSize, kSqrtBiasCorrection2 + 1));
  if (ema_model_) update_weights_ema(values[kWeightsEmaDecay]);
}

void ModelUpdate::save(torch::serialize::OutputArchive& archive) const {
  torch::serialize::OutputArchive model_archive, optimizer_archive;
  model_->save(model_archive);
  optimizer_->save(optimizer_archive);
  archive.write("model", model_archive);
  archive.write("optimizer", optimizer_archive);
  if (ema_model_) {
    torch::serialize::OutputArchive ema_archive;
    ema_model_->save(ema_archive);
    archive.write("model_ema", ema_archive);
  }
}

void ModelUpdate::load(torch::serialize::InputArchive& archive, const c10::Device& device) {
  torch::serialize::InputArchive model_archive, optimizer_archive;
  archive.read("model", model_archive);
  model_->load(model_archive);
  model_->to(device);
  archive.read("optimizer", optimizer_archive);
  optimizer_->load(optimizer_archive);
  if (ema_model_) {
    torch::serialize::InputArchive ema_archive;
    if (archive.try_read("model_ema", ema_archive)) {
      ema_model_->load(ema_archive);
      ema_model_->to(device);
    } else {
      restart_weights_ema();
    }
  }
  device_adam_.reset();  // bound to the optimizer state just replaced
}

}  // namespace eddpm
