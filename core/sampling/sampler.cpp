#include "sampler.h"

#include <cmath>
#include <stdexcept>

namespace eddpm {

torch::Tensor sampler_update(const torch::Tensor& x, const torch::Tensor& eps_hat, double a,
                             double a_prev, double eta, const torch::Tensor& z,
                             const std::optional<double>& clip) {
  const ChainCalls::Estimate e = ChainCalls::from_eps(x, eps_hat, a, clip);
  return ddim_step(e.x0, e.eps, a, a_prev, eta, z);
}

torch::Tensor sample_chain(EpsModel& model, const std::vector<int>& timesteps,
                           const std::vector<double>& levels, const torch::Tensor& x_T,
                           const SamplerOptions& options, at::Generator& gen) {
  ChainCalls chain(model, timesteps, levels, {options.clip, options.cancel, options.progress, options.on_prediction, options.on_state});
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
