// UniPC (Zhao et al. 2023) with B(h) = e^{-h} - 1 ("bh2"), order 2, data prediction, in
// y = x / sqrt(a), as diffusers' UniPCMultistepScheduler runs it by default: each step predicts
// with UniP (order 1 at the first and the last step, else 2), then, once the model has been called
// at the new point, corrects that point with UniC from the same call, so the corrector costs no
// network evaluation. The corrected point is not evaluated again: its successor is predicted from
// it with the estimate made before the correction.
#include <cmath>

#include <torch/torch.h>

#include "chain_calls.h"

namespace eddpm {

namespace {

// One move from step s to step s + 1 in the notation of the paper's Algorithm (h, B(h), phi_1).
struct Move {
  double ratio;  // sigma_t / sigma_s = e^{-h}
  double bh;     // B(h) = e^{-h} - 1 = phi_1
  double h;
};

Move move(const ChainCalls& chain, int s) {
  const double h = chain.lambda(s + 1) - chain.lambda(s);
  const double phi1 = std::expm1(-h);
  return {chain.sigma(s + 1) / chain.sigma(s), phi1, h};
}

// The first-order part every update shares: y_t = (sigma_t / sigma_s) y_s - phi_1 m_s.
torch::Tensor first_order(const Move& m, const torch::Tensor& y, const torch::Tensor& m_s) {
  return m.ratio * y - m.bh * m_s;
}

}  // namespace

torch::Tensor solve_unipc(ChainCalls& chain, torch::Tensor x) {
  const int K = chain.steps();
  torch::Tensor y = x / std::sqrt(chain.level(0));
  torch::Tensor m_prev, m_prev2;  // x0 estimates at steps j-1 and j-2
  torch::Tensor y_prev;           // the point step j was predicted from
  int order_prev = 0;             // the order step j was predicted with
  for (int j = 0; j < K; ++j) {
    const torch::Tensor m_j = chain.estimate(y * std::sqrt(chain.level(j)), j).x0;
    if (j > 0) {  // UniC: correct y_j from y_{j-1} with the estimate just made at y_j
      const Move mv = move(chain, j - 1);
      const torch::Tensor base = first_order(mv, y_prev, m_prev);
      if (order_prev == 1) {
        y = base - mv.bh * 0.5 * (m_j - m_prev);
      } else {
        const double r1 = (chain.lambda(j - 2) - chain.lambda(j - 1)) / mv.h;
        const torch::Tensor d1 = (m_prev2 - m_prev) / r1;
        // rho solves [[1, 1], [r1, 1]] rho = b, b_i = i! h_phi_i / B(h) with h_phi_1 = phi_1/hh - 1,
        // h_phi_2 = h_phi_1 / hh - 1/2 and hh = -h.
        const double hh = -mv.h;
        const double hphi1 = mv.bh / hh - 1.0;
        const double hphi2 = hphi1 / hh - 0.5;
        const double b1 = hphi1 / mv.bh, b2 = 2.0 * hphi2 / mv.bh;
        const double rho_d1 = (b1 - b2) / (1.0 - r1);
        const double rho_t = b1 - rho_d1;
        y = base - mv.bh * (rho_d1 * d1 + rho_t * (m_j - m_prev));
      }
    }
    // UniP: order 1 at the first step (no history) and at the last (into sigma = 0), else 2.
    const int order = (j == 0 || j + 1 == K) ? 1 : 2;
    const Move mv = move(chain, j);
    torch::Tensor next = first_order(mv, y, m_j);
    if (order == 2) {
      const double r1 = (chain.lambda(j - 1) - chain.lambda(j)) / mv.h;
      next = next - mv.bh * 0.5 * (m_prev - m_j) / r1;
    }
    m_prev2 = m_prev;
    m_prev = m_j;
    y_prev = y;
    order_prev = order;
    y = next;
  }
  return y;
}

}  // namespace eddpm
