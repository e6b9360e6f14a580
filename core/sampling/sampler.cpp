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
  return ddim_step(x0, eps, a, a_prev, eta, z);
}

torch::Tensor sample_chain(EpsModel& model, const std::vector<int>& timesteps,
                           const std::vector<double>& levels, const torch::Tensor& x_T,
                           const SamplerOptions& options, at::Generator& gen) {
  ChainCalls chain(model, timesteps, levels, {options.clip, options.cancel, options.progress, options.on_prediction});
  torch::NoGradGuard no_grad;
  struct EvalMode {  // the model's mode comes back however the chain ends (Cancelled included)
    EpsModel& model;
    const bool was_training = model.is_training();
    explicit EvalMode(EpsModel& m) : model(m) { model.eval(); }
    ~EvalMode() { model.train(was_training); }
  } eval_mode(model);
  switch (options.solver.kind) {
    case SolverKind::Ddim: return solve_ddim(chain, x_T, options.solver.eta, gen);
    case SolverKind::Euler: return solve_euler(chain, x_T);
    case SolverKind::Heun: return solve_heun(chain, x_T);
    case SolverKind::DpmPp2m: return solve_dpmpp_2m(chain, x_T);
    case SolverKind::UniPc: return solve_unipc(chain, x_T);
  }
  throw std::logic_error("unknown solver");
}

}  // namespace eddpm
