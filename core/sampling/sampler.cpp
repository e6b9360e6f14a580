#include "sampler.h"

#include <cmath>
#include <stdexcept>

namespace eddpm {

torch::Tensor predicted_x0(const torch::Tensor& x, const torch::Tensor& eps_hat, double a,
                           const std::optional<double>& clip) {
  const torch::Tensor x0 = (x - std::sqrt(1.0 - a) * eps_hat) / std::sqrt(a);
  return clip ? x0.clamp(-*clip, *clip) : x0;
}

torch::Tensor sampler_update(const torch::Tensor& x, const torch::Tensor& eps_hat, double a,
                             double a_prev, double eta, const torch::Tensor& z,
                             const std::optional<double>& clip) {
  const torch::Tensor x0 = predicted_x0(x, eps_hat, a, clip);
  const torch::Tensor eps = clip ? (x - std::sqrt(a) * x0) / std::sqrt(1.0 - a) : eps_hat;
  const double sigma = eta * std::sqrt((1.0 - a_prev) / (1.0 - a)) * std::sqrt(1.0 - a / a_prev);
  const double direction = std::sqrt(std::max(0.0, 1.0 - a_prev - sigma * sigma));
  torch::Tensor next = std::sqrt(a_prev) * x0 + direction * eps;
  if (sigma > 0.0 && z.defined()) next = next + sigma * z;
  return next;
}

torch::Tensor sample_chain(EpsModel& model, const std::vector<int>& timesteps,
                           const std::vector<double>& levels, const torch::Tensor& x_T,
                           const SamplerOptions& options, at::Generator& gen) {
  if (timesteps.empty() || timesteps.size() != levels.size())
    throw std::invalid_argument("sampler needs one level per timestep");
  torch::NoGradGuard no_grad;
  struct EvalMode {  // the model's mode comes back however the chain ends (Cancelled included)
    EpsModel& model;
    const bool was_training = model.is_training();
    explicit EvalMode(EpsModel& m) : model(m) { model.eval(); }
    ~EvalMode() { model.train(was_training); }
  } eval_mode(model);
  torch::Tensor x = x_T;
  const int64_t n = x.size(0);
  const auto index_options = torch::TensorOptions().dtype(torch::kLong).device(x.device());
  for (size_t j = 0; j < timesteps.size(); ++j) {
    const bool last = j + 1 == timesteps.size();
    const double a = levels[j];
    const double a_prev = last ? 1.0 : levels[j + 1];
    check_cancel(options.cancel);
    const torch::Tensor t = torch::full({n}, timesteps[j], index_options);
    const torch::Tensor eps_hat = model.forward(x, t);
    if (options.progress) options.progress->fetch_add(n, std::memory_order_relaxed);
    // The update computes x0_hat again: the hook is for one-off path views, not hot loops.
    if (options.on_prediction) options.on_prediction(timesteps[j], predicted_x0(x, eps_hat, a, options.clip));
    torch::Tensor z;
    if (options.eta > 0.0 && !last) z = torch::randn(x.sizes(), gen, x.options());
    x = sampler_update(x, eps_hat, a, a_prev, options.eta, z, options.clip);
  }
  return x;
}

}  // namespace eddpm
