// DPM-Solver++(2M) (Lu et al. 2022, Algorithm 2), data prediction, in y = x / sqrt(a): with
// h = lambda' - lambda (lambda = -log sigma), y' = (sigma' / sigma) y + (1 - sigma' / sigma) D, where
// D is the x0 estimate at the first step and at the step into sigma = 0 (as diffusers does with
// final sigma 0), and otherwise (1 + 1/(2r)) x0_j - 1/(2r) x0_{j-1} with r = h_{j-1} / h_j.
#include <torch/torch.h>

#include "chain_calls.h"

namespace eddpm {

torch::Tensor solve_dpmpp_2m(ChainCalls& chain, torch::Tensor x) {
  torch::Tensor y = x / std::sqrt(chain.level(0));
  torch::Tensor previous;  // x0 estimate of the step before
  for (int j = 0; j < chain.steps(); ++j) {
    const torch::Tensor x0 = chain.estimate(y * std::sqrt(chain.level(j)), j).x0;
    const double ratio = chain.sigma(j + 1) / chain.sigma(j);
    torch::Tensor d = x0;
    if (previous.defined() && chain.sigma(j + 1) > 0.0) {
      const double r = (chain.lambda(j) - chain.lambda(j - 1)) / (chain.lambda(j + 1) - chain.lambda(j));
      d = (1.0 + 0.5 / r) * x0 - (0.5 / r) * previous;
    }
    y = ratio * y + (1.0 - ratio) * d;
    previous = x0;
  }
  return y;
}

}  // namespace eddpm
