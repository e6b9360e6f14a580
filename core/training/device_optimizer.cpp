#include "device_optimizer.h"

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace eddpm {

namespace {
// LibTorch 1.x keys an optimizer's state by the printed TensorImpl address, 2.x by the address.
template <typename StateMap>
auto& state_slot(StateMap& state, const torch::Tensor& p) {
  using Key = typename StateMap::key_type;
  if constexpr (std::is_same_v<Key, std::string>) {
    std::ostringstream key;
    key << static_cast<const void*>(p.unsafeGetTensorImpl());
    return state[key.str()];
  } else {
    return state[static_cast<Key>(p.unsafeGetTensorImpl())];
  }
}
}  // namespace

void clip_grad_norm_on_device(const std::vector<torch::Tensor>& params, double max_norm) {
  std::vector<torch::Tensor> norms;
  std::vector<torch::Tensor> grads;
  for (const auto& p : params) {
    if (!p.grad().defined()) continue;
    grads.push_back(p.grad());
    norms.push_back(p.grad().norm(2.0));
  }
  if (grads.empty()) return;
  const torch::Tensor total = norms.size() == 1 ? norms[0] : torch::stack(norms).norm(2.0);
  const torch::Tensor coefficient = torch::clamp(max_norm / (total + 1e-6), c10::nullopt, 1.0);
  for (auto& g : grads) g.mul_(coefficient);
}

DeviceAdam::DeviceAdam(torch::optim::Adam& adam) : adam_(adam) {
  for (auto& group : adam_.param_groups()) {
    const auto& options = static_cast<const torch::optim::AdamOptions&>(group.options());
    if (options.weight_decay() != 0.0 || options.amsgrad())
      throw std::invalid_argument("the device-side Adam has no weight decay or amsgrad");
    for (auto& p : group.params()) {
      auto& slot = state_slot(adam_.state(), p);
      if (!slot) {
        auto fresh = std::make_unique<torch::optim::AdamParamState>();
        fresh->step(0);
        fresh->exp_avg(torch::zeros_like(p, torch::MemoryFormat::Preserve));
        fresh->exp_avg_sq(torch::zeros_like(p, torch::MemoryFormat::Preserve));
        slot = std::move(fresh);
      }
      params_.push_back(p);
      states_.push_back(static_cast<torch::optim::AdamParamState*>(slot.get()));
    }
  }
  if (params_.empty()) throw std::invalid_argument("the optimizer has no parameters");
}

std::array<double, 2> DeviceAdam::count_next_step() {
  for (auto* state : states_) state->step(state->step() + 1);
  const auto& options = static_cast<const torch::optim::AdamOptions&>(adam_.param_groups().front().options());
  const auto n = double(states_.front()->step());
  const double bias_correction1 = 1.0 - std::pow(std::get<0>(options.betas()), n);
  const double bias_correction2 = 1.0 - std::pow(std::get<1>(options.betas()), n);
  return {-options.lr() / bias_correction1, std::sqrt(bias_correction2)};
}

void DeviceAdam::step(const torch::Tensor& factors) {
  torch::NoGradGuard no_grad;
  const auto& options = static_cast<const torch::optim::AdamOptions&>(adam_.param_groups().front().options());
  const double beta1 = std::get<0>(options.betas()), beta2 = std::get<1>(options.betas());
  const torch::Tensor neg_step_size = factors[0], sqrt_bias_correction2 = factors[1];
  for (size_t i = 0; i < params_.size(); ++i) {
    torch::Tensor& p = params_[i];
    if (!p.grad().defined()) continue;
    const torch::Tensor& grad = p.grad();
    torch::Tensor& exp_avg = states_[i]->exp_avg();
    torch::Tensor& exp_avg_sq = states_[i]->exp_avg_sq();
    exp_avg.mul_(beta1).add_(grad, 1.0 - beta1);
    exp_avg_sq.mul_(beta2).addcmul_(grad, grad, 1.0 - beta2);
    const torch::Tensor denom = (exp_avg_sq.sqrt() / sqrt_bias_correction2).add_(options.eps());
    // addcdiv's own order, (value * m) / denom, with the value a device scalar.
    p.add_(exp_avg * neg_step_size / denom);
  }
}

}  // namespace eddpm

namespace eddpm {

void DeviceAdam::minimize(const torch::Tensor& loss, double grad_clip, const torch::Tensor& factors) {
  for (auto& p : params_)
    if (p.grad().defined()) p.mutable_grad().zero_();
  loss.backward();
  if (grad_clip > 0) clip_grad_norm_on_device(params_, grad_clip);
  step(factors);
}

}  // namespace eddpm
