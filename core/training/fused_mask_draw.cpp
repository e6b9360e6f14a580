#include "fused_mask_draw.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <stdexcept>
#include <vector>

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>

#include "mask_row_kernels.h"

namespace eddpm {

namespace {
// SplitMix64 (mask_row_kernels.h): a Weyl sequence through a 64-bit finalizer. Rows start at
// independent points of the sequence, hashed from the iteration's seed and the row.
class RowStream {
 public:
  RowStream(uint64_t seed, int64_t row) : state_(seed) { state_ = next() ^ uint64_t(row) * kOddRow; }
  uint64_t next() { return mask_rows::splitmix_output(state_ += mask_rows::kSplitMixGamma); }
  void fill(uint64_t* out, size_t n) { state_ = mask_rows::splitmix_fill(state_, out, n); }
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

// How one iteration's rows are drawn, prepared once from s. Every step is kept when a 32-bit
// uniform falls below floor(s_t 2^32); steps with s = 1 (or pinned) are kept without a draw and
// s = 0 never. Steps with s >= kSparse are "dense": where they fill a quarter of the span from
// the first to the last of them, the span is swept with one 16-bit draw per step against the
// threshold's top half (vectorized, four steps per 64-bit draw), and a draw equal to it takes 16
// more bits, so the comparison is still the 32-bit one; otherwise each dense step draws 32 bits.
// The rarely kept rest is visited by geometric jumps with the largest of their probabilities,
// p_max, and a visited step is kept with probability s_t / p_max (thinning): the same Bernoulli(s_t)
// per step at about p_max draws per step.
struct RowPlan {
  static constexpr double kSparse = 1.0 / 64.0;  // a jump (a log and two draws) costs ~50 swept steps
  std::vector<uint8_t> fixed;          // (T) 1 where s_t = 1
  std::vector<uint16_t> top_half;      // (T) a dense step's threshold >> 16, else 0
  std::vector<uint32_t> below;         // (T) a dense step's threshold floor(s_t 2^32)
  std::vector<int64_t> dense;          // dense steps, ascending
  int64_t span_begin = 0, span_end = 0;  // the swept steps, empty when dense steps draw one by one
  size_t fixed_outside_span = 0;
  std::vector<int64_t> sparse;         // steps visited by jumps
  std::vector<uint64_t> sparse_below;  // keep a visited step when u32 < (s_t / p_max) 2^32, up to 2^32
  double log_miss = 0.0;               // log(1 - p_max)
  int64_t most_probable = 0;           // what a row keeps when it draws nothing

  RowPlan(const torch::Tensor& s, bool pin_last) {
    const torch::Tensor p = s.to(torch::kCPU, torch::kFloat64).clamp(0.0, 1.0).contiguous();
    const double* ps = p.data_ptr<double>();
    const int64_t T = p.numel();
    fixed.assign(T, 0);
    top_half.assign(T, 0);
    below.assign(T, 0);
    double p_max = 0.0, best = -1.0;
    for (int64_t t = 0; t < T; ++t) {
      const double keep = pin_last && t == T - 1 ? 1.0 : ps[t];
      if (keep > best) {
        best = keep;
        most_probable = t;
      }
      if (keep >= 1.0) {
        fixed[t] = 1;
      } else if (keep >= kSparse) {
        dense.push_back(t);
        below[t] = uint32_t(std::ldexp(keep, 32));
        top_half[t] = uint16_t(below[t] >> 16);
      } else if (keep > 0.0) {
        sparse.push_back(t);
        p_max = std::max(p_max, keep);
      }
    }
    if (!dense.empty() && 4 * dense.size() >= size_t(dense.back() + 1 - dense.front())) {
      span_begin = dense.front();
      span_end = dense.back() + 1;
    }
    for (int64_t t = 0; t < T; ++t)
      if (fixed[t] && (t < span_begin || t >= span_end)) ++fixed_outside_span;
    for (int64_t t : sparse) sparse_below.push_back(uint64_t(std::ldexp(ps[t] / p_max, 32)));
    log_miss = std::log1p(-p_max);
  }

  // One row's Bernoulli draw into `mask`; returns how many steps it keeps. `words` has room for
  // a quarter of T 64-bit draws.
  size_t draw(RowStream& rng, uint8_t* mask, uint64_t* words) const {
    std::copy(fixed.begin(), fixed.begin() + span_begin, mask);  // the sweep writes the span
    std::copy(fixed.begin() + span_end, fixed.end(), mask + span_end);
    size_t n = fixed_outside_span;
    if (span_end > span_begin) {
      const size_t width = size_t(span_end - span_begin);
      rng.fill(words, (width + 3) / 4);
      const auto* r = reinterpret_cast<const uint16_t*>(words);
      bool tie = false;
      n += mask_rows::threshold_bytes(r, &top_half[span_begin], &fixed[span_begin], mask + span_begin, width, &tie);
      for (size_t i = 0; tie && i < width; ++i) {
        const int64_t t = span_begin + int64_t(i);
        if (top_half[t] != 0 && r[i] == top_half[t] && mask_rows::keeps_on_tie(uint16_t(rng.next()), below[t])) {
          mask[t] = 1;
          ++n;
        }
      }
    } else {
      for (size_t i = 0; i < dense.size(); i += 2) {  // stores and counts, no branch on the draw
        const uint64_t bits = rng.next();
        const uint8_t low = (bits & 0xFFFFFFFFull) < below[dense[i]];
        mask[dense[i]] = low;
        n += low;
        if (i + 1 < dense.size()) {
          const uint8_t high = (bits >> 32) < below[dense[i + 1]];
          mask[dense[i + 1]] = high;
          n += high;
        }
      }
    }
    const double n_sparse = double(sparse.size());
    for (double j = -1.0; n_sparse > 0.0;) {
      const double u = double((rng.next() >> 11) + 1) * 0x1.0p-53;  // (0, 1]
      j += 1.0 + std::floor(std::log(u) / log_miss);                  // the next visited step
      if (!(j < n_sparse)) break;
      const size_t i = size_t(j);
      if ((rng.next() >> 32) < sparse_below[i]) {
        mask[sparse[i]] = 1;
        ++n;
      }
    }
    return n;
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
    std::vector<uint64_t> words(size_t(T + 3) / 4);
    for (int64_t row = begin; row < end; ++row) {
      RowStream rng(seed, row);
      uint8_t* mask = masks + row * T;
      size_t k = plan.draw(rng, mask, words.data());
      for (int round = 1; k == 0 && round < 1000; ++round) k = plan.draw(rng, mask, words.data());
      if (k == 0) {
        mask[plan.most_probable] = 1;
        k = 1;
      }
      const size_t pick = std::min(k - 1, size_t(rng.uniform() * double(k)));
      const size_t t_pick = mask_rows::nth_one(mask, size_t(T), pick);
      ts[row] = int64_t(t_pick);
      has_prev[row] = pick > 0;
      if (semantics == Semantics::Jump) {
        level_t[row] = alpha_bars[t_pick];
        level_prev[row] = pick > 0 ? alpha_bars[mask_rows::last_one_before(mask, t_pick)] : 1.0;
        level_top[row] = alpha_bars[mask_rows::last_one_before(mask, size_t(T))];
      } else {  // the product of (1 - beta) over the kept steps, summed as logs in ascending order
        double log_level = 0.0, log_prev = 0.0, log_at_pick = 0.0;
        mask_rows::for_each_one(mask, size_t(T), [&](size_t t) {
          if (t == t_pick) log_prev = log_level;
          log_level += log_keep[t];
          if (t == t_pick) log_at_pick = log_level;
        });
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
