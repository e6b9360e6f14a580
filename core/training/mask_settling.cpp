#include "mask_settling.h"

#include <vector>

#include <torch/torch.h>

#include "learned_schedule.h"

namespace eddpm {

double settle_rate(int64_t iteration, int64_t settle_start, int64_t total) {
  if (iteration < settle_start || iteration >= total) return 0.0;
  return 1.0 / double(total - iteration);
}

void settle_in_place(double* s, int64_t n, int K, double rate, const std::vector<int>& target) {
  if (rate <= 0.0) return;
  const std::vector<int> top = target.empty() ? top_k_timesteps(std::vector<double>(s, s + n), K) : target;
  std::vector<char> kept(n, 0);
  for (int t : top) kept[t] = 1;
  for (int64_t t = 0; t < n; ++t) {
    const double target = kept[t] ? 1.0 : 0.0;
    s[t] = rate >= 1.0 ? target : s[t] + rate * (target - s[t]);  // the last pull lands exactly
  }
}

torch::Tensor top_k_indicator_on_device(const torch::Tensor& s, int K) {
  const int64_t n = s.size(0);
  // A stable descending sort of s reversed keeps equal values in descending t: ties to the larger t.
  const torch::Tensor order = std::get<1>(s.flip(0).sort(/*stable=*/true, /*dim=*/0, /*descending=*/true));
  const torch::Tensor top = (n - 1) - order.slice(0, 0, K);
  return torch::zeros_like(s).index_fill_(0, top, 1.0);
}

torch::Tensor settle_toward_on_device(const torch::Tensor& s, const torch::Tensor& indicator, const torch::Tensor& rate) {
  const torch::Tensor r = rate.to(s.options());
  return torch::where(r >= 1.0, indicator, s + r * (indicator - s));
}

torch::Tensor settle_on_device(const torch::Tensor& s, int K, const torch::Tensor& rate) {
  return settle_toward_on_device(s, top_k_indicator_on_device(s, K), rate);
}

}  // namespace eddpm
