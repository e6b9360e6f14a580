#include "dmn.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <torch/torch.h>

#include "solvers/chain_calls.h"

namespace eddpm {

int dmn_order(const Solver& solver) {
  return solver.kind == SolverKind::Ddim || solver.kind == SolverKind::Euler ? 1 : 2;
}

namespace {

// The bound as a differentiable function of lambdas (1-D float64 tensor, K + 1 values).
torch::Tensor bound(const torch::Tensor& lambda, int order) {
  const int64_t N = lambda.size(0) - 1;  // steps
  // Per point: the error of its estimate, sigma^2 / alpha with alpha = sigmoid(2 lambda)^(1/2).
  const torch::Tensor alpha = torch::sigmoid(2.0 * lambda).sqrt();
  const torch::Tensor sigma = torch::sigmoid(-2.0 * lambda).sqrt();
  const torch::Tensor error = sigma.pow(2) / alpha;
  // The weight each point's estimate gets, summed over the steps that use it: one estimate's
  // error is one quantity, so its contributions to different steps add before the magnitude.
  std::vector<torch::Tensor> weight_of(N + 1, torch::zeros({}, lambda.options()));
  for (int64_t s = 0; s < N; ++s) {
    const int64_t kp = std::min<int64_t>({order, s + 1, N - s});  // fewer points at the ends, as the solvers start and finish
    const torch::Tensor h = lambda[s + 1] - lambda[s];
    // I_m = integral_0^h e^u u^m du.
    const torch::Tensor eh = torch::exp(h);
    const torch::Tensor I0 = eh - 1.0;
    const torch::Tensor I1 = eh * h - I0;
    const torch::Tensor I2 = eh * h * h - 2.0 * I1;
    const std::vector<torch::Tensor> I = {I0, I1, I2};
    // Nodes in u = lambda - lambda_s: 0, lambda_{s-1} - lambda_s, ...
    std::vector<torch::Tensor> node;
    for (int64_t m = 0; m < kp; ++m) node.push_back(lambda[s - m] - lambda[s]);
    for (int64_t m = 0; m < kp; ++m) {
      // Lagrange basis polynomial of node m as coefficients c0 + c1 u + c2 u^2.
      std::vector<torch::Tensor> c = {torch::ones({}, lambda.options())};
      torch::Tensor denominator = torch::ones({}, lambda.options());
      for (int64_t q = 0; q < kp; ++q) {
        if (q == m) continue;
        std::vector<torch::Tensor> next(c.size() + 1, torch::zeros({}, lambda.options()));
        for (size_t p = 0; p < c.size(); ++p) {
          next[p + 1] = next[p + 1] + c[p];
          next[p] = next[p] - c[p] * node[q];
        }
        c = next;
        denominator = denominator * (node[m] - node[q]);
      }
      torch::Tensor weight = torch::zeros({}, lambda.options());
      for (size_t p = 0; p < c.size(); ++p) weight = weight + c[p] * I[p];
      weight = torch::exp(lambda[s]) * weight / denominator;
      weight_of[s - m] = weight_of[s - m] + weight;
    }
  }
  torch::Tensor total = torch::zeros({}, lambda.options());
  for (int64_t n = 0; n < N; ++n) total = total + torch::abs(weight_of[n] * error[n]);
  return total;
}

torch::Tensor lambdas_of(const torch::Tensor& gaps_logits, double start, double end) {
  const torch::Tensor gaps = (end - start) * torch::softmax(gaps_logits, 0);
  return torch::cat({torch::full({1}, start, gaps.options()), start + torch::cumsum(gaps, 0)});
}

}  // namespace

double dmn_objective(const std::vector<double>& lambdas, int order) {
  torch::NoGradGuard no_grad;
  return bound(torch::tensor(lambdas, torch::kFloat64), order).item<double>();
}

std::vector<int> dmn_schedule(const NoiseSchedule& noise, int K, int order, const SearchHooks& hooks) {
  const int T = noise.T();
  if (K < 1 || K >= T) throw std::invalid_argument("dmn: K must be in [1, T - 1]");
  const auto lambda_of = [&](int t) { return -std::log(noise.sigma(t)); };
  const double start = lambda_of(T - 1), end = lambda_of(0);
  // Start from steps uniform in lambda (the paper's choice for pixel-space models): equal gaps.
  torch::Tensor logits = torch::zeros({K}, torch::kFloat64).requires_grad_(true);
  torch::optim::LBFGS optimizer({logits}, torch::optim::LBFGSOptions(1.0).max_iter(200).line_search_fn("strong_wolfe"));
  int evaluations = 0;
  optimizer.step([&] {
    check_cancel(hooks.cancel);
    optimizer.zero_grad();
    torch::Tensor loss = bound(lambdas_of(logits, start, end), order);
    loss.backward();
    if (++evaluations % 20 == 0) hooks.report(std::min(0.99, evaluations / 250.0), "dmn: " + std::to_string(evaluations) + " evaluations");
    return loss;
  });
  torch::Tensor lambdas;
  {
    torch::NoGradGuard no_grad;
    lambdas = lambdas_of(logits, start, end);
  }
  // Each kept lambda to the timestep whose lambda is nearest (lambda falls as t grows).
  std::vector<double> table(T);
  for (int t = 0; t < T; ++t) table[t] = lambda_of(t);
  std::vector<int> steps;
  for (int k = 0; k < K; ++k) {
    const double l = lambdas[k].item<double>();
    int best = 0;
    for (int t = 1; t < T; ++t)
      if (std::abs(table[t] - l) < std::abs(table[best] - l)) best = t;
    if (steps.empty() || best < steps.back()) steps.push_back(best);
  }
  hooks.report(1.0, "dmn: done");
  return steps;
}

}  // namespace eddpm
