#pragma once
// The array loops of the fused mask draw (fused_mask_draw.cpp) and of the score-function gradient
// on its byte masks (mask_gradient.cpp). Integer arithmetic except add_weighted_rows, whose adds
// happen in the same order on every CPU, so every build draws and sums the same bits.
#include <cstddef>
#include <cstdint>
#include <cstring>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "for_each_one reads bytes from words");

namespace eddpm::mask_rows {

// SplitMix64 (Steele, Lea and Flood 2014): its k-th output from `state` is
// splitmix_output(state + k * kSplitMixGamma), k = 1, 2, ...
constexpr uint64_t kSplitMixGamma = 0x9E3779B97F4A7C15ull;
inline uint64_t splitmix_output(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// The next `n` outputs from `state` at once (vectorized); returns the state after them.
uint64_t splitmix_fill(uint64_t state, uint64_t* out, size_t n);

// mask[i] = (r[i] < below[i]) | fixed[i] for i < n; returns how many mask bytes are 1. Sets *tie
// when some r[i] == below[i]: a 16-bit draw equal to the top half of a 32-bit threshold, which the
// caller settles with 16 more bits (keeps_on_tie).
size_t threshold_bytes(const uint16_t* r, const uint16_t* below, const uint8_t* fixed, uint8_t* mask,
                       size_t n, bool* tie);

// u < below for a 32-bit uniform u whose top half equals below's: decided by u's bottom half.
inline bool keeps_on_tie(uint16_t bottom_half, uint32_t below) { return bottom_half < (below & 0xFFFFu); }

// Calls f(i) for every nonzero byte of a 0/1 byte array, in ascending order, skipping zero words.
template <typename F>
void for_each_one(const uint8_t* bytes, size_t n, F&& f) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, bytes + i, sizeof w);
    for (; w != 0; w &= w - 1) f(i + size_t(__builtin_ctzll(w)) / 8);  // little-endian byte order
  }
  for (; i < n; ++i)
    if (bytes[i]) f(i);
}

// Position of the (k+1)-th nonzero byte of a 0/1 byte array, or n when it has k or fewer.
size_t nth_one(const uint8_t* bytes, size_t n, size_t k);

// Position of the last nonzero byte before `end`, or SIZE_MAX when there is none.
size_t last_one_before(const uint8_t* bytes, size_t end);

// out[i] += sum_b w[b] bytes[b stride + i] for i < n, over `rows` rows of 0/1 bytes. The products
// are exact, so the result is the same with or without fused multiply-adds.
void add_weighted_rows(const uint8_t* bytes, size_t stride, const double* w, size_t rows, double* out, size_t n);

// The same sum over rows that are mostly zero: only their ones are visited, one row after the
// other (other rounding than add_weighted_rows, which adds four rows at a time).
void add_weighted_sparse_rows(const uint8_t* bytes, size_t stride, const double* w, size_t rows, double* out,
                              size_t n);

}  // namespace eddpm::mask_rows
