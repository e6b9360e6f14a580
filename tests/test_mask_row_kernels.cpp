#include <QtTest>

#include <cstdint>
#include <random>
#include <vector>

#include "mask_row_kernels.h"

using namespace eddpm;

namespace {
// SplitMix64 written out step by step, the way its authors give it.
uint64_t splitmix_next(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::vector<uint8_t> random_bytes(std::mt19937_64& rng, size_t n, double density) {
  std::bernoulli_distribution keep(density);
  std::vector<uint8_t> bytes(n);
  for (auto& b : bytes) b = keep(rng) ? 1 : 0;
  return bytes;
}
}  // namespace

class TestMaskRowKernels : public QObject {
  Q_OBJECT
 private slots:
  void fillGivesTheSequenceOfNextCalls() {
    for (size_t n : {size_t(1), size_t(3), size_t(250), size_t(1001)}) {
      uint64_t state = 0x1234567ull + n, reference_state = state;
      std::vector<uint64_t> filled(n);
      const uint64_t after = mask_rows::splitmix_fill(state, filled.data(), n);
      for (size_t k = 0; k < n; ++k) QCOMPARE(filled[k], splitmix_next(reference_state));
      QCOMPARE(after, reference_state);
    }
  }

  // A 16-bit draw against the top half of a 32-bit threshold, then 16 more bits on a tie, keeps
  // exactly when the 32-bit draw made of the two halves is below the threshold.
  void halvesDecideLikeTheThirtyTwoBitComparison() {
    std::mt19937_64 rng(3);
    for (int i = 0; i < 200000; ++i) {
      const uint32_t below = uint32_t(rng());
      // Half the cases force a tie of the top halves.
      const uint32_t u = i % 2 ? uint32_t(rng()) : (below & 0xFFFF0000u) | uint32_t(rng() & 0xFFFFu);
      const uint16_t top = uint16_t(u >> 16), below_top = uint16_t(below >> 16);
      const bool kept = top < below_top || (top == below_top && mask_rows::keeps_on_tie(uint16_t(u), below));
      QCOMPARE(kept, u < below);
    }
  }

  void thresholdBytesKeepCountAndFlagTies() {
    std::mt19937_64 rng(4);
    for (size_t n : {size_t(1), size_t(37), size_t(1000)}) {
      std::vector<uint16_t> r(n), below(n);
      std::vector<uint8_t> fixed = random_bytes(rng, n, 0.1), mask(n, 7);
      for (size_t i = 0; i < n; ++i) {
        r[i] = uint16_t(rng());
        below[i] = uint16_t(rng());
        if (r[i] == below[i]) ++below[i];  // no tie yet
      }
      bool tie = false;
      size_t ones = mask_rows::threshold_bytes(r.data(), below.data(), fixed.data(), mask.data(), n, &tie);
      size_t expected = 0;
      for (size_t i = 0; i < n; ++i) {
        const uint8_t keep = (r[i] < below[i] || fixed[i]) ? 1 : 0;
        QCOMPARE(mask[i], keep);
        expected += keep;
      }
      QCOMPARE(ones, expected);
      QVERIFY(!tie);
      below[n / 2] = r[n / 2];
      ones = mask_rows::threshold_bytes(r.data(), below.data(), fixed.data(), mask.data(), n, &tie);
      QVERIFY(tie);
      QCOMPARE(mask[n / 2], fixed[n / 2]);  // a tie alone keeps nothing: the caller decides it
    }
  }

  void onesAreFoundWhereTheyAre() {
    std::mt19937_64 rng(5);
    for (size_t n = 0; n < 70; ++n) {
      for (double density : {0.0, 0.05, 0.5, 1.0}) {
        const std::vector<uint8_t> bytes = random_bytes(rng, n, density);
        std::vector<size_t> ones;
        for (size_t i = 0; i < n; ++i)
          if (bytes[i]) ones.push_back(i);
        std::vector<size_t> visited;
        mask_rows::for_each_one(bytes.data(), n, [&](size_t i) { visited.push_back(i); });
        QCOMPARE(visited, ones);
        for (size_t k = 0; k <= ones.size(); ++k)
          QCOMPARE(mask_rows::nth_one(bytes.data(), n, k), k < ones.size() ? ones[k] : n);
        for (size_t end = 0; end <= n; ++end) {
          size_t last = SIZE_MAX;
          for (size_t i : ones)
            if (i < end) last = i;
          QCOMPARE(mask_rows::last_one_before(bytes.data(), end), last);
        }
      }
    }
  }

  // The weighted column sums of 0/1 rows, for any row count, and the same bits whichever columns a
  // call is given (threads split the columns). The sparse sum adds row after row, like the reference.
  void weightedRowsSumTheirColumns() {
    std::mt19937_64 rng(6);
    std::normal_distribution<double> normal;
    for (size_t rows : {size_t(1), size_t(4), size_t(7), size_t(64)}) {
      const size_t n = 45;
      const std::vector<uint8_t> bytes = random_bytes(rng, rows * n, 0.4);
      std::vector<double> w(rows), whole(n, 0.0), split(n, 0.0), reference(n, 0.0), sparse(n, 0.0);
      for (auto& x : w) x = normal(rng);
      for (size_t b = 0; b < rows; ++b)
        for (size_t i = 0; i < n; ++i) reference[i] += w[b] * bytes[b * n + i];
      mask_rows::add_weighted_rows(bytes.data(), n, w.data(), rows, whole.data(), n);
      mask_rows::add_weighted_rows(bytes.data(), n, w.data(), rows, split.data(), 13);
      mask_rows::add_weighted_rows(bytes.data() + 13, n, w.data(), rows, split.data() + 13, n - 13);
      mask_rows::add_weighted_sparse_rows(bytes.data(), n, w.data(), rows, sparse.data(), n);
      for (size_t i = 0; i < n; ++i) {
        QVERIFY(std::abs(whole[i] - reference[i]) <= 1e-12 * (1.0 + std::abs(reference[i])));
        QCOMPARE(split[i], whole[i]);
        QCOMPARE(sparse[i], reference[i]);  // the same adds in the same order
      }
    }
  }
};

QTEST_APPLESS_MAIN(TestMaskRowKernels)
#include "test_mask_row_kernels.moc"
