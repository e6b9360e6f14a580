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

// How one iteration's rows are drawn, prepared once from s. Steps with s = 1 (or pinned) start
// kept and s = 0 never; steps with s >= kSparse draw a 32-bit uniform each (two per 64-bit draw);
// the rarely kept rest is visited by geometric jumps with the largest of their probabilities,
// p_max, and a visited step is kept with probability s_t / p_max (thinning): the same Bernoulli(s_t)
// per step at about p_max draws per step instead of one half.
struct RowPlan {
  static constexpr double kSparse = 0.125;
  std::vector<uint8_t> start;         // (T) 1 where s_t = 1
  std::vector<int64_t> always;        // those steps, ascending
  std::vector<int64_t> dense;         // steps drawn one by one
  std::vector<uint64_t> dense_below;  // keep when u32 < s_t * 2^32
  std::vector<int64_t> sparse;        // steps visited by jumps
  std::vector<uint64_t> sparse_below; // keep a visited step when u32 < (s_t / p_max) * 2^32
  double log_miss = 0.0;              // log(1 - p_max)
  int64_t most_probable = 0;          // what a row keeps when it draws nothing

  RowPlan(const torch::Tensor& s, bool pin_last) {
    const torch::Tensor p = s.to(torch::kCPU, torch::kFloat64).clamp(0.0, 1.0).contiguous();
    const double* ps = p.data_ptr<double>();
    const int64_t T = p.numel();
    start.assign(T, 0);
    double p_max = 0.0, best = -1.0;
    for (int64_t t = 0; t < T; ++t) {
      const double keep = pin_last && t == T - 1 ? 1.0 : ps[t];
      if (keep > best) {
        best = keep;
        most_probable = t;
      }
      if (keep >= 1.0) {
        start[t] = 1;
        always.push_back(t);
      } else if (keep >= kSparse) {
        dense.push_back(t);
        dense_below.push_back(uint64_t(std::ldexp(keep, 32)));
      } else if (keep > 0.0) {
        sparse.push_back(t);
        p_max = std::max(p_max, keep);
      }
    }
    for (int64_t t : sparse) sparse_below.push_back(uint64_t(std::ldexp(ps[t] / p_max, 32)));
    log_miss = std::log1p(-p_max);
  }

  // One row's Bernoulli draw into `mask`; `kept` receives the kept steps in ascending order, and
  // `drawn` (room for T steps) holds the drawn ones on the way.
  void draw(RowStream& rng, uint8_t* mask, std::vector<int64_t>& kept, int64_t* drawn) const {
    std::copy(start.begin(), start.end(), mask);
    size_t n = 0;
    const size_t n_dense = dense.size();
    for (size_t i = 0; i < n_dense; i += 2) {  // stores and counts, no branch on the draw
      const uint64_t bits = rng.next();
      const size_t low = (bits & 0xFFFFFFFFull) < dense_below[i];
      mask[dense[i]] = uint8_t(low);
      drawn[n] = dense[i];
      n += low;
      if (i + 1 < n_dense) {
        const size_t high = (bits >> 32) < dense_below[i + 1];
        mask[dense[i + 1]] = uint8_t(high);
        drawn[n] = dense[i + 1];
        n += high;
      }
    }
    const size_t dense_kept = n;
    const double n_sparse = double(sparse.size());
    for (double j = -1.0; n_sparse > 0.0;) {
      const double u = double((rng.next() >> 11) + 1) * 0x1.0p-53;  // (0, 1]
      j += 1.0 + std::floor(std::log(u) / log_miss);                  // the next visited step
      if (!(j < n_sparse)) break;
      const size_t i = size_t(j);
      if ((rng.next() >> 32) < sparse_below[i]) {
        mask[sparse[i]] = 1;
        drawn[n++] = sparse[i];
      }
    }
    // Three ascending groups (always, dense, sparse) merged into one ascending list.
    std::inplace_merge(drawn, drawn + dense_kept, drawn + n);
    kept.resize(always.size() + n);
    std::merge(always.begin(), always.end(), drawn, drawn + n, kept.begin());
  }
};

}  // namespace

MaskDraw draw_masks_fused(const torch::Tensor& s, int64_t rows, bool pin_last,
                          const NoiseSchedule& noise, Semantics semantics, at::Generator& gen,
                          const torch::Tensor& masks_buffer) {
  if (!s.device().is_cpu()) throw std::invalid_argument("the fused mask draw runs on the CPU");
  const int64_t T = noise.T();
  if (s.dim() != 1 || s.size(0) != T) throw std::invalid_argument("s must hold T probabilities");
  const RowPlan plan(s, pin_last);
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

  // Rows have their own streams, so at::parallel_for may split them (it does where this file is
  // built with OpenMP, core/CMakeLists.txt) without changing what is drawn.
  at::parallel_for(0, rows, 16, [&](int64_t begin, int64_t end) {
    std::vector<int64_t> kept, drawn(T);
    kept.reserve(T);
    for (int64_t row = begin; row < end; ++row) {
      RowStream rng(seed, row);
      uint8_t* mask = masks + row * T;
      plan.draw(rng, mask, kept, drawn.data());
      for (int round = 1; kept.empty() && round < 1000; ++round) plan.draw(rng, mask, kept, drawn.data());
      if (kept.empty()) {
        mask[plan.most_probable] = 1;
        kept.push_back(plan.most_probable);
      }
      const int64_t k = int64_t(kept.size());
      const int64_t pick = std::min<int64_t>(k - 1, int64_t(rng.uniform() * double(k)));
      const int64_t t_pick = kept[pick];
      ts[row] = t_pick;
      has_prev[row] = pick > 0;
      if (semantics == Semantics::Jump) {
        level_t[row] = alpha_bars[t_pick];
        level_prev[row] = pick > 0 ? alpha_bars[kept[pick - 1]] : 1.0;
        level_top[row] = alpha_bars[kept.back()];
      } else {  // the product of (1 - beta) over the kept steps, summed as logs in ascending order
        double log_level = 0.0;
        for (int64_t j = 0; j < pick; ++j) log_level += log_keep[kept[j]];
        const double log_prev = log_level;
        log_level += log_keep[t_pick];
        const double log_at_pick = log_level;
        for (int64_t j = pick + 1; j < k; ++j) log_level += log_keep[kept[j]];
        level_t[row] = std::exp(log_at_pick);
        level_prev[row] = std::exp(log_prev);
        level_top[row] = std::exp(log_level);
      }
      kept_out[row] = double(k);
    }
  });
  return draw;
}

}  // namespace eddpm
