#include "fused_mask_draw.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <stdexcept>
#include <vector>

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>

namespace eddpm {

namespace {
// SplitMix64 (Steele, Lea and Flood 2014): a Weyl sequence through a 64-bit finalizer. Rows start at
// independent points of the sequence, hashed from the iteration's seed and the row.
class RowStream {
 public:
  RowStream(uint64_t seed, int64_t row) : state_(seed) { state_ = next() ^ uint64_t(row) * kOddRow; }
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() { return double(next() >> 11) * 0x1.0p-53; }  // [0, 1)

 private:
  static constexpr uint64_t kOddRow = 0xD1B54A32D192ED03ull;
  uint64_t state_;
};

uint64_t draw_seed(at::Generator& gen) {
  auto* cpu = at::check_generator<at::CPUGeneratorImpl>(gen);
  std::lock_guard<std::mutex> lock(gen.mutex());
  return cpu->random64();
}

// Keep step t when a 32-bit uniform u falls below s_t * 2^32: s = 1 always keeps, s = 0 never.
std::vector<uint64_t> keep_thresholds(const torch::Tensor& s, bool pin_last) {
  const torch::Tensor p = s.to(torch::kCPU, torch::kFloat64).clamp(0.0, 1.0).contiguous();
  const double* ps = p.data_ptr<double>();
  std::vector<uint64_t> thresholds(p.numel());
  for (size_t t = 0; t < thresholds.size(); ++t) thresholds[t] = uint64_t(std::ldexp(ps[t], 32));
  if (pin_last) thresholds.back() = uint64_t(1) << 32;
  return thresholds;
}

// One row's Bernoulli draw into `mask`; returns the number kept.
int64_t draw_row(RowStream& rng, const std::vector<uint64_t>& thresholds, uint8_t* mask) {
  const int64_t T = int64_t(thresholds.size());
  int64_t kept = 0;
  for (int64_t t = 0; t < T; t += 2) {
    const uint64_t bits = rng.next();
    const int64_t low = (bits & 0xFFFFFFFFull) < thresholds[t];
    mask[t] = uint8_t(low);  // arithmetic, not a branch: kept steps are unpredictable
    kept += low;
    if (t + 1 < T) {
      const int64_t high = (bits >> 32) < thresholds[t + 1];
      mask[t + 1] = uint8_t(high);
      kept += high;
    }
  }
  return kept;
}
// sum of log(1 - beta_t) over the kept steps among the first n: the log of the paper semantics'
// level. Four running sums, so the additions do not wait on each other.
double kept_log_sum(const uint8_t* mask, const double* log_keep, int64_t n) {
  double acc[4] = {0.0, 0.0, 0.0, 0.0};
  int64_t t = 0;
  for (; t + 4 <= n; t += 4)
    for (int k = 0; k < 4; ++k) acc[k] += double(mask[t + k]) * log_keep[t + k];
  double sum = (acc[0] + acc[1]) + (acc[2] + acc[3]);
  for (; t < n; ++t) sum += double(mask[t]) * log_keep[t];
  return sum;
}
}  // namespace

MaskDraw draw_masks_fused(const torch::Tensor& s, int64_t rows, bool pin_last,
                          const NoiseSchedule& noise, Semantics semantics, at::Generator& gen,
                          const torch::Tensor& masks_buffer) {
  if (!s.device().is_cpu()) throw std::invalid_argument("the fused mask draw runs on the CPU");
  const int64_t T = noise.T();
  if (s.dim() != 1 || s.size(0) != T) throw std::invalid_argument("s must hold T probabilities");
  const std::vector<uint64_t> thresholds = keep_thresholds(s, pin_last);
  const int64_t fallback = std::max_element(thresholds.begin(), thresholds.end()) - thresholds.begin();
  std::vector<double> log_keep(T);  // log(1 - beta_t): a kept step's factor of the level
  for (int64_t t = 0; t < T; ++t) log_keep[t] = std::log1p(-noise.betas()[t]);
  const std::vector<double>& alpha_bars = noise.alpha_bars();
  const uint64_t seed = draw_seed(gen);

  const auto f64 = torch::TensorOptions().dtype(torch::kFloat64);
  MaskDraw draw;
  const bool reusable = masks_buffer.defined() && masks_buffer.device().is_cpu() &&
                        masks_buffer.scalar_type() == torch::kByte && masks_buffer.is_contiguous() &&
                        masks_buffer.dim() == 2 && masks_buffer.size(0) == rows && masks_buffer.size(1) == T;
  draw.masks = reusable ? masks_buffer : torch::empty({rows, T}, torch::kByte);
  draw.at.t = torch::empty({rows}, torch::kLong);
  draw.at.level_t = torch::empty({rows}, f64);
  draw.at.level_prev = torch::empty({rows}, f64);
  draw.at.has_prev = torch::empty({rows}, torch::kBool);
  draw.at.level_top = torch::empty({rows}, f64);
  draw.at.kept = torch::empty({rows}, f64);
  uint8_t* masks = draw.masks.data_ptr<uint8_t>();
  int64_t* ts = draw.at.t.data_ptr<int64_t>();
  double* level_t = draw.at.level_t.data_ptr<double>();
  double* level_prev = draw.at.level_prev.data_ptr<double>();
  bool* has_prev = draw.at.has_prev.data_ptr<bool>();
  double* level_top = draw.at.level_top.data_ptr<double>();
  double* kept_out = draw.at.kept.data_ptr<double>();

  // at::parallel_for splits the rows where this file is built with OpenMP; the product builds it
  // without: linking libgomp beside Debian's OpenBLAS slowed the model's own matrix products by a
  // third (bench/run item 4), more than a second thread saves here.
  at::parallel_for(0, rows, 16, [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {
      RowStream rng(seed, row);
      uint8_t* mask = masks + row * T;
      int64_t kept = draw_row(rng, thresholds, mask);
      for (int round = 1; kept == 0 && round < 1000; ++round) kept = draw_row(rng, thresholds, mask);
      if (kept == 0) {
        mask[fallback] = 1;
        kept = 1;
      }
      const int64_t pick = std::min<int64_t>(kept - 1, int64_t(rng.uniform() * double(kept)));
      // The pick-th kept step: a count with one predictable exit (kept steps are not predictable,
      // so the loop holds no branch on them).
      int64_t t_pick = 0;
      for (int64_t seen = mask[0]; seen <= pick; seen += mask[++t_pick]) {
      }
      ts[row] = t_pick;
      has_prev[row] = pick > 0;
      if (semantics == Semantics::Jump) {
        int64_t prev = t_pick - 1, top = T - 1;
        while (prev > 0 && mask[prev] == 0) --prev;
        while (mask[top] == 0) --top;
        level_t[row] = alpha_bars[t_pick];
        level_prev[row] = pick > 0 ? alpha_bars[prev] : 1.0;
        level_top[row] = alpha_bars[top];
      } else {
        const double log_level_at_pick = kept_log_sum(mask, log_keep.data(), t_pick + 1);
        const double log_level = log_level_at_pick + kept_log_sum(mask + t_pick + 1, log_keep.data() + t_pick + 1, T - t_pick - 1);
        level_t[row] = std::exp(log_level_at_pick);
        level_prev[row] = std::exp(log_level_at_pick - log_keep[t_pick]);
        level_top[row] = std::exp(log_level);
      }
      kept_out[row] = double(kept);
    }
  });
  return draw;
}

}  // namespace eddpm
