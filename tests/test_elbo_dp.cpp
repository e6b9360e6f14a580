#include <torch/torch.h>

#include <QtTest>

#include <limits>
#include <random>

#include "elbo_dp.h"
#include "elbo_dp_schedule.h"

using namespace eddpm;

namespace {
// Cheapest path from position N to 0 in exactly k jumps, by trying every subset of inner positions.
double exhaustive(const std::vector<std::vector<double>>& cost, int k, std::vector<int>& best_path) {
  const int N = int(cost.size()) - 1;
  double best = std::numeric_limits<double>::infinity();
  for (int subset = 0; subset < (1 << (N - 1)); ++subset) {
    if (__builtin_popcount(subset) != k - 1) continue;
    std::vector<int> positions = {N};
    for (int p = N - 1; p >= 1; --p)
      if (subset >> (p - 1) & 1) positions.push_back(p);
    positions.push_back(0);
    double total = 0;
    for (size_t i = 0; i + 1 < positions.size(); ++i) total += cost[positions[i]][positions[i + 1]];
    if (total < best) {
      best = total;
      best_path.assign(positions.begin(), positions.end() - 1);
      for (int& p : best_path) p -= 1;
    }
  }
  return best;
}
}  // namespace

class TestElboDp : public QObject {
  Q_OBJECT
 private slots:
  void matchesExhaustiveSearch() {
    std::mt19937 rng(42);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    for (int trial = 0; trial < 20; ++trial) {
      const int N = 9;
      std::vector<std::vector<double>> cost(N + 1, std::vector<double>(N + 1, 0.0));
      for (int t = 1; t <= N; ++t)
        for (int s = 0; s < t; ++s) cost[t][s] = u(rng) * (t - s);
      const DpSolution dp = optimal_paths(cost, N);
      for (int k = 1; k <= N; ++k) {
        std::vector<int> path;
        const double best = exhaustive(cost, k, path);
        QVERIFY(std::abs(dp.costs[k - 1] - best) < 1e-12);
        QCOMPARE(dp.schedules[k - 1], path);
      }
    }
  }

  void pairCostsFollowTheSnrRatio() {
    const NoiseSchedule noise({BetaKind::Linear, 20, 1e-3, 0.2});
    std::vector<double> errors(20, 2.0);
    const auto cost = elbo_pair_costs(noise, errors, 0.3);
    QVERIFY(std::abs(cost[10][4] - 0.5 * (noise.snr(3) / noise.snr(9) - 1) * 2.0) < 1e-12);
    // To the data: SNR_0 = 1 / 0.09, never negative.
    QVERIFY(std::abs(cost[20][0] - 0.5 * ((1 / 0.09) / noise.snr(19) - 1) * 2.0) < 1e-9);
    QCOMPARE(cost[1][0], 0.0);
  }

  void pathsAlwaysStartAtTheTop() {
    const NoiseSchedule noise({BetaKind::Linear, 100, 1e-4, 0.02});
    std::vector<double> errors(100);
    for (int t = 0; t < 100; ++t) errors[t] = 1.0 / (1 + t);
    const DpSolution dp = optimal_paths(elbo_pair_costs(noise, errors, 0.3), 10);
    for (int k = 1; k <= 10; ++k) {
      QCOMPARE(int(dp.schedules[k - 1].size()), k);
      QCOMPARE(dp.schedules[k - 1].front(), 99);
      if (k > 1) QVERIFY(dp.costs[k - 1] <= dp.costs[k - 2] + 1e-12);
    }
  }
};

QTEST_GUILESS_MAIN(TestElboDp)
#include "test_elbo_dp.moc"
