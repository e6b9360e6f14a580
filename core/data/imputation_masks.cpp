#include "imputation_masks.h"

#include <torch/torch.h>

#include "rng.h"

namespace eddpm {

torch::Tensor observed_mask(const torch::Tensor& windows) { return (~torch::isnan(windows)).to(torch::kFloat32); }

torch::Tensor hide_share(const torch::Tensor& observed, const torch::Tensor& share, at::Generator& gen) {
  const int64_t n = observed.size(0);
  const torch::Tensor flat = observed.reshape({n, -1});
  // Random scores on the observed values, -1 elsewhere: the k best-scored observed values are hidden.
  const torch::Tensor scores = torch::where(flat > 0.5, torch::rand(flat.sizes(), gen, flat.options()),
                                            torch::full_like(flat, -1.0));
  // Halves round up, as std::round does (torch::round rounds them to even: 45 x 10% hid 4, not 5).
  const torch::Tensor count = flat.sum(1).to(torch::kFloat64) * share.to(flat.device(), torch::kFloat64);
  const torch::Tensor k = torch::floor(count + 0.5).to(flat.dtype()).unsqueeze(1);
  const torch::Tensor rank = scores.argsort(1, /*descending=*/true).argsort(1, false);
  return (rank < k).to(flat.dtype()).mul(flat).view(observed.sizes());
}

torch::Tensor random_condition(const torch::Tensor& observed, at::Generator& gen) {
  const torch::Tensor share = torch::rand({observed.size(0)}, gen, observed.options());
  return observed - hide_share(observed, share, gen);
}

ImputationTask hide_at_random(const torch::Tensor& windows, double share, uint64_t seed) {
  at::Generator gen = make_cpu_generator(seed);
  const torch::Tensor cpu = windows.to(torch::kCPU, torch::kFloat32);
  const torch::Tensor observed = observed_mask(cpu);
  const torch::Tensor hidden = hide_share(observed, torch::full({cpu.size(0)}, share), gen);
  return {cpu, observed - hidden, hidden};
}

}  // namespace eddpm
