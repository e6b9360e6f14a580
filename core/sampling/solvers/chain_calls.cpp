#include "chain_calls.h"

#include <cmath>
#include <limits>
#include <stdexcept>

#include <torch/torch.h>

namespace eddpm {

ChainCalls::ChainCalls(EpsModel& model, const std::vector<int>& timesteps, const std::vector<double>& levels,
                       Hooks hooks)
    : model_(model), timesteps_(timesteps), levels_(levels), hooks_(std::move(hooks)) {
  if (timesteps.empty() || timesteps.size() != levels.size())
    throw std::invalid_argument("sampler needs one level per timestep");
}

double ChainCalls::sigma(int j) const {
  const double a = level(j);
  return std::sqrt(std::max(0.0, 1.0 - a) / a);
}

double ChainCalls::lambda(int j) const {
  const double s = sigma(j);
  return s > 0.0 ? -std::log(s) : std::numeric_limits<double>::infinity();
}

ChainCalls::Estimate ChainCalls::from_eps(const torch::Tensor& x, const torch::Tensor& eps_hat, double a,
                                          const std::optional<double>& clip) {
  Estimate e{(x - std::sqrt(1.0 - a) * eps_hat) / std::sqrt(a), eps_hat};
  if (clip) {
    e.x0 = e.x0.clamp(-*clip, *clip);
    e.eps = (x - std::sqrt(a) * e.x0) / std::sqrt(1.0 - a);
  }
  return e;
}

ChainCalls::Estimate ChainCalls::estimate(const torch::Tensor& x, int j) {
  check_cancel(hooks_.cancel);
  const int64_t n = x.size(0);
  const double a = level(j);
  const auto index = torch::TensorOptions().dtype(torch::kLong).device(x.device());
  const torch::Tensor eps_hat = model_.forward(x, torch::full({n}, timesteps_.at(j), index));
  if (hooks_.progress) hooks_.progress->fetch_add(n, std::memory_order_relaxed);
  const Estimate e = from_eps(x, eps_hat, a, hooks_.clip);
  if ((hooks_.on_prediction || hooks_.on_state) && j != reported_) {
    reported_ = j;
    if (hooks_.on_prediction) hooks_.on_prediction(timesteps_[j], e.x0);
    if (hooks_.on_state) hooks_.on_state(timesteps_[j], x, e.x0);
  }
  return e;
}

}  // namespace eddpm
