#include "mask_row_kernels.h"

#include <cstring>

#include "vector_clones.h"

namespace eddpm::mask_rows {

namespace {
inline uint64_t load_word(const uint8_t* p) {
  uint64_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}
}  // namespace

EDDPM_VECTOR_CLONES
uint64_t splitmix_fill(uint64_t state, uint64_t* out, size_t n) {
  for (size_t k = 0; k < n; ++k) out[k] = splitmix_output(state + uint64_t(k + 1) * kSplitMixGamma);  // vectorizes
  return state + uint64_t(n) * kSplitMixGamma;
}

EDDPM_VECTOR_CLONES
size_t threshold_bytes(const uint16_t* r, const uint16_t* below, const uint8_t* fixed, uint8_t* mask,
                       size_t n, bool* tie) {
  unsigned ones = 0, ties = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint8_t keep = uint8_t(r[i] < below[i]) | fixed[i];
    mask[i] = keep;
    ones += keep;
    ties |= unsigned(r[i] == below[i]);
  }
  if (ties) *tie = true;
  return ones;
}

size_t nth_one(const uint8_t* bytes, size_t n, size_t k) {
  size_t i = 0, seen = 0;
  for (; i + 8 <= n; i += 8) {  // 0/1 bytes: the top byte of w * 0x0101.. is their sum
    const size_t ones = size_t((load_word(bytes + i) * 0x0101010101010101ull) >> 56);
    if (seen + ones > k) break;
    seen += ones;
  }
  for (; i < n; ++i)
    if (bytes[i] && seen++ == k) return i;
  return n;
}

size_t last_one_before(const uint8_t* bytes, size_t end) {
  size_t i = end;
  while (i >= 8 && load_word(bytes + i - 8) == 0) i -= 8;
  while (i > 0)
    if (bytes[--i]) return i;
  return SIZE_MAX;
}

EDDPM_VECTOR_CLONES
void add_weighted_rows(const uint8_t* bytes, size_t stride, const double* w, size_t rows, double* out, size_t n) {
  size_t b = 0;
  for (; b + 4 <= rows; b += 4) {  // four rows per pass over out: a quarter of its loads and stores
    const uint8_t *r0 = bytes + b * stride, *r1 = r0 + stride, *r2 = r1 + stride, *r3 = r2 + stride;
    for (size_t i = 0; i < n; ++i)
      out[i] += (w[b] * double(r0[i]) + w[b + 1] * double(r1[i])) + (w[b + 2] * double(r2[i]) + w[b + 3] * double(r3[i]));
  }
  for (; b < rows; ++b)
    for (size_t i = 0; i < n; ++i) out[i] += w[b] * double(bytes[b * stride + i]);
}

void add_weighted_sparse_rows(const uint8_t* bytes, size_t stride, const double* w, size_t rows, double* out,
                              size_t n) {
  for (size_t b = 0; b < rows; ++b) for_each_one(bytes + b * stride, n, [&](size_t i) { out[i] += w[b]; });
}

}  // namespace eddpm::mask_rows
