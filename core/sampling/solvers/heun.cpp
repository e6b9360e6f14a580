// Heun's 2nd-order method on the probability-flow ODE (Karras et al. 2022, Algorithm 1 with no
// churn): an Euler step to sigma', then the average of the slopes at both ends. The step into
// sigma = 0 stays Euler (the slope there is undefined), so K steps cost 2K - 1 network calls.
#include <torch/torch.h>

#include "chain_calls.h"

namespace eddpm {

torch::Tensor solve_heun(ChainCalls& chain, torch::Tensor x) {
  torch::Tensor y = x / std::sqrt(chain.level(0));
  for (int j = 0; j < chain.steps(); ++j) {
    const double s = chain.sigma(j), s_next = chain.sigma(j + 1);
    const torch::Tensor slope = (y - chain.estimate(y * std::sqrt(chain.level(j)), j).x0) / s;
    torch::Tensor euler = y + (s_next - s) * slope;
    if (s_next > 0.0) {
      const torch::Tensor slope_next = (euler - chain.estimate(euler * std::sqrt(chain.level(j + 1)), j + 1).x0) / s_next;
      euler = y + (s_next - s) * 0.5 * (slope + slope_next);
    }
    y = euler;
  }
  return y;
}

}  // namespace eddpm
