// Euler on the probability-flow ODE in sigma space (Karras et al. 2022, eq. 3 with sigma(t) = t):
// y = x / sqrt(a), dy/dsigma = (y - D(y)) / sigma, one step y' = y + (sigma' - sigma) dy/dsigma.
// With eps-prediction this is DDIM at eta = 0 written another way (test_solvers holds them equal).
#include <torch/torch.h>

#include "chain_calls.h"

namespace eddpm {

torch::Tensor solve_euler(ChainCalls& chain, torch::Tensor x) {
  torch::Tensor y = x / std::sqrt(chain.level(0));
  for (int j = 0; j < chain.steps(); ++j) {
    const torch::Tensor x0 = chain.estimate(y * std::sqrt(chain.level(j)), j).x0;
    const torch::Tensor slope = (y - x0) / chain.sigma(j);
    y = y + (chain.sigma(j + 1) - chain.sigma(j)) * slope;
  }
  return y;  // a = 1 at the end: y is x
}

}  // namespace eddpm
