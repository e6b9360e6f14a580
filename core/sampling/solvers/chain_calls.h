#pragma once
// The solvers of solver_kind.h, behind one interface: each runs a whole chain through the kept
// steps, asking the model for its clean-data estimate where the solver needs one (ChainCalls). Each lives in its own file, written from its paper's update rule in sigma space:
// sigma_j = sqrt((1 - a_j) / a_j) for level a_j, y = x / sqrt(a) (the variance-exploding form
// the ODE solvers use), and the chain ends at sigma = 0.
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <ATen/core/Generator.h>
#include <torch/types.h>

#include "eps_model.h"
#include "solver_kind.h"

namespace eddpm {

// Thrown by work that was asked to stop (ChainCalls' cancel and the loops built on it).
struct Cancelled : std::runtime_error {
  Cancelled() : std::runtime_error("cancelled") {}
};

// Throws Cancelled when `cancel` is set.
inline void check_cancel(const std::atomic<bool>* cancel) {
  if (cancel && cancel->load(std::memory_order_relaxed)) throw Cancelled();
}

// What a solver sees of a chain: its kept steps, their noise levels, and the model. Not thread-safe:
// one chain, one thread.
class ChainCalls {
 public:
  struct Hooks {
    std::optional<double> clip;                 // clip x0 estimates into [-clip, clip] (the data range)
    const std::atomic<bool>* cancel = nullptr;  // stops before the next network call (Cancelled)
    std::atomic<int64_t>* progress = nullptr;   // grows by the batch size at every network call
    // The first x0 estimate at each kept step (Heun's second call at a step is not reported).
    std::function<void(int timestep, const torch::Tensor& x0_hat)> on_prediction;
    // The same moment with the state the estimate was made from (a teacher's trajectory).
    std::function<void(int timestep, const torch::Tensor& x, const torch::Tensor& x0_hat)> on_state;
  };

  ChainCalls(EpsModel& model, const std::vector<int>& timesteps, const std::vector<double>& levels,
             Hooks hooks);

  int steps() const { return static_cast<int>(timesteps_.size()); }
  // a_j of kept step j; steps() is the clean end, a = 1.
  double level(int j) const { return j < steps() ? levels_[j] : 1.0; }
  // sigma_j = sqrt((1 - a_j) / a_j); 0 at the clean end.
  double sigma(int j) const;
  // lambda_j = -log(sigma_j), the half log-SNR the multistep solvers step in.
  double lambda(int j) const;
  // The model's estimates for the state x (variance-preserving, at level a_j): the clean data x0,
  // clipped when the run clips, and the noise consistent with it. One network call.
  struct Estimate {
    torch::Tensor x0, eps;
  };
  Estimate estimate(const torch::Tensor& x, int j);
  // The same from a noise prediction eps_hat at level a, without the model: x0, clipped when
  // `clip` is set, and the noise consistent with it (eps_hat itself when nothing was clipped).
  static Estimate from_eps(const torch::Tensor& x, const torch::Tensor& eps_hat, double a,
                           const std::optional<double>& clip);

 private:
  EpsModel& model_;
  const std::vector<int>& timesteps_;
  const std::vector<double>& levels_;
  Hooks hooks_;
  int reported_ = -1;  // the last step whose estimate went to on_prediction
};

// DDIM's move from level a to a_prev given the estimates; `z` (fresh noise) is used when eta > 0.
torch::Tensor ddim_step(const torch::Tensor& x0, const torch::Tensor& eps, double a, double a_prev, double eta,
                        const torch::Tensor& z);

// One function per solver: from x_T (variance-preserving, at level a_0) to the clean end.
torch::Tensor solve_ddim(ChainCalls& chain, torch::Tensor x, double eta, at::Generator& gen);
torch::Tensor solve_euler(ChainCalls& chain, torch::Tensor x);
torch::Tensor solve_heun(ChainCalls& chain, torch::Tensor x);
torch::Tensor solve_dpmpp_2m(ChainCalls& chain, torch::Tensor x);
torch::Tensor solve_unipc(ChainCalls& chain, torch::Tensor x);

}  // namespace eddpm
