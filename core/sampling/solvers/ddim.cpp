// DDIM (Song et al. 2021, eq. 12): x_prev = sqrt(a_prev) x0 + sqrt(1 - a_prev - s^2) eps + s z with
// s = eta sqrt((1 - a_prev) / (1 - a)) sqrt(1 - a / a_prev); eta = 1 is DDPM's posterior.
#include <cmath>

#include <torch/torch.h>

#include "chain_calls.h"

namespace eddpm {

torch::Tensor ddim_step(const torch::Tensor& x0, const torch::Tensor& eps, double a, double a_prev, double eta,
                        const torch::Tensor& z) {
  const double s = eta * std::sqrt((1.0 - a_prev) / (1.0 - a)) * std::sqrt(1.0 - a / a_prev);
  const double direction = std::sqrt(std::max(0.0, 1.0 - a_prev - s * s));
  torch::Tensor next = std::sqrt(a_prev) * x0 + direction * eps;
  if (s > 0.0 && z.defined()) next = next + s * z;
  return next;
}

torch::Tensor solve_ddim(ChainCalls& chain, torch::Tensor x, double eta, at::Generator& gen) {
  for (int j = 0; j < chain.steps(); ++j) {
    const ChainCalls::Estimate e = chain.estimate(x, j);
    const bool last = j + 1 == chain.steps();
    torch::Tensor z;
    if (eta > 0.0 && !last) z = torch::randn(x.sizes(), gen, x.options());
    x = ddim_step(e.x0, e.eps, chain.level(j), chain.level(j + 1), eta, z);
  }
  return x;
}

}  // namespace eddpm
