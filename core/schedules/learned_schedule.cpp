#include "learned_schedule.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace eddpm {

namespace {
std::vector<int> order_by_probability(const std::vector<double>& s) {
  std::vector<int> order(s.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    if (s[a] != s[b]) return s[a] > s[b];
    return a > b;
  });
  return order;
}
}  // namespace

std::vector<int> top_k_timesteps(const std::vector<double>& s, int K) {
  if (K < 1 || K > int(s.size())) throw std::invalid_argument("K must be in [1, T]");
  std::vector<int> order = order_by_probability(s);
  order.resize(K);
  std::sort(order.begin(), order.end(), std::greater<int>());
  return order;
}

MaskStats mask_stats(const std::vector<double>& s, int K) {
  MaskStats stats;
  if (s.empty()) return stats;
  double min_sum = 0.0;
  for (double v : s) {
    stats.sum += v;
    stats.kept_over_half += v > 0.5 ? 1 : 0;
    min_sum += std::min(v, 1.0 - v);
  }
  stats.uncertainty = min_sum / s.size();
  const std::vector<int> top = top_k_timesteps(s, std::clamp(K, 1, int(s.size())));
  double top_sum = 0.0;
  for (int t : top) top_sum += s[t];
  stats.concentration = top_sum / top.size();
  stats.deterministic = stats.kept_over_half == K && stats.concentration > 0.95;
  return stats;
}

}  // namespace eddpm
