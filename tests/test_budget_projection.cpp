#include <torch/torch.h>

#include <QtTest>

#include "budget_projection.h"
#include "mask_settling.h"

using namespace eddpm;

namespace {
torch::Tensor on_device(const torch::Tensor& z, double budget, BudgetRule rule = BudgetRule::AtMost) {
  return project_to_budget_on_device(z, torch::tensor(budget, torch::kFloat64), rule);
}

double distance2(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).pow(2).sum().item<double>(); }
}  // namespace

class TestBudgetProjection : public QObject {
  Q_OBJECT
 private slots:
  void feasibleVectorsOnlyGetClamped() {
    const torch::Tensor z = torch::tensor({-0.3, 0.2, 1.4, 0.5}, torch::kFloat64);
    const torch::Tensor s = project_to_budget(z, 3.0);
    QVERIFY(torch::allclose(s, torch::tensor({0.0, 0.2, 1.0, 0.5}, torch::kFloat64)));
  }

  void boundsAndSumHold() {
    torch::manual_seed(3);
    for (int trial = 0; trial < 50; ++trial) {
      const torch::Tensor z = torch::randn({200}, torch::kFloat64) * 0.7 + 0.6;
      const double budget = 5.0 + trial;
      for (const torch::Tensor& s : {project_to_budget(z, budget), on_device(z, budget)}) {
        QVERIFY(s.min().item<double>() >= 0.0);
        QVERIFY(s.max().item<double>() <= 1.0);
        QVERIFY(s.sum().item<double>() <= budget + 1e-9);
      }
      QVERIFY(torch::allclose(project_to_budget(z, budget), on_device(z, budget), 1e-9, 1e-9));
    }
  }

  // The tensor-only projection (the one a CUDA graph captures) against the walk over breakpoints:
  // mask lengths of the benchmarks, ties, entries far outside [0, 1], budgets from 0 to all of T.
  void deviceProjectionMatchesTheWalk_data() {
    QTest::addColumn<int>("T");
    QTest::addColumn<double>("spread");
    QTest::newRow("T=1000") << 1000 << 0.3;
    QTest::newRow("T=4000") << 4000 << 0.3;
    QTest::newRow("wide") << 1000 << 3.0;
    QTest::newRow("short") << 7 << 1.0;
  }

  void deviceProjectionMatchesTheWalk() {
    QFETCH(int, T);
    QFETCH(double, spread);
    torch::manual_seed(T);
    for (double share : {0.0, 0.01, 0.1, 0.5, 0.9, 1.0}) {
      torch::Tensor z = torch::randn({T}, torch::kFloat64) * spread + 0.4;
      z.slice(0, 0, T / 3).fill_(0.25);  // a block of ties
      const double budget = share * T;
      const torch::Tensor exact = project_to_budget(z, budget);
      const torch::Tensor fast = on_device(z, budget);
      QVERIFY2(torch::allclose(fast, exact, 1e-9, 1e-10),
               qPrintable(QString("share %1: max difference %2").arg(share)
                              .arg((fast - exact).abs().max().item<double>())));
      QVERIFY(fast.sum().item<double>() <= budget + 1e-9);
    }
  }

  void deviceProjectionOfAllOnesAndOfNegatives() {
    QVERIFY(torch::allclose(on_device(torch::ones({1000}, torch::kFloat64), 10.0),
                            torch::full({1000}, 0.01, torch::kFloat64), 1e-12, 1e-12));
    QVERIFY(torch::equal(on_device(torch::full({5}, -2.0, torch::kFloat64), 1.0), torch::zeros({5}, torch::kFloat64)));
    QVERIFY(torch::equal(on_device(torch::full({5}, 2.0, torch::kFloat64), 0.0), torch::zeros({5}, torch::kFloat64)));
  }

  void startFromAllOnesSpendsTheBudgetEvenly() {
    const torch::Tensor s = project_to_budget(torch::ones({1000}, torch::kFloat64), 10.0);
    QVERIFY(torch::allclose(s, torch::full({1000}, 0.01, torch::kFloat64), 1e-12, 1e-12));
  }

  // On small vectors no feasible point of a fine grid is closer to z than the projection.
  void optimalAgainstBruteForce() {
    torch::manual_seed(7);
    constexpr int steps = 50;
    for (int trial = 0; trial < 20; ++trial) {
      const torch::Tensor z = torch::rand({3}, torch::kFloat64) * 1.6 - 0.3;
      const double budget = 0.4 + 0.1 * trial;
      const torch::Tensor s = project_to_budget(z, budget);
      const double best = distance2(s, z);
      const torch::Tensor g = torch::linspace(0, 1, steps + 1, torch::kFloat64);
      const torch::Tensor grid = torch::stack(torch::meshgrid({g, g, g}, "ij"), -1).reshape({-1, 3});
      const torch::Tensor feasible = grid.index({grid.sum(1) <= budget});
      const double grid_best = (feasible - z).pow(2).sum(1).min().item<double>();
      QVERIFY2(best <= grid_best + 1e-12, qPrintable(QString("trial %1: %2 > %3").arg(trial).arg(best).arg(grid_best)));
      QVERIFY(grid_best - best < 0.06);  // and the grid comes close to it
    }
  }

  // Under the exact rule a z whose clamp spends less than the budget is raised to spend all of it;
  // it is still a projection: every entry strictly inside (0, 1) moved by the same amount.
  void exactRuleRaisesAMaskThatSpendsTooLittle() {
    torch::manual_seed(11);
    for (int trial = 0; trial < 40; ++trial) {
      const int n = 1 + trial * 7;
      torch::Tensor z = torch::randn({n}, torch::kFloat64) * (trial % 3 == 0 ? 2.0 : 0.3) - 0.2;
      if (trial % 5 == 0) z.slice(0, 0, n / 2).fill_(0.0);  // probabilities absorbed at 0
      for (double share : {0.0, 0.05, 0.3, 0.7, 1.0}) {
        const double budget = share * n;
        const torch::Tensor s = project_to_budget(z, budget, BudgetRule::Exact);
        const torch::Tensor fast = on_device(z, budget, BudgetRule::Exact);
        QVERIFY2(std::abs(s.sum().item<double>() - budget) < 1e-9,
                 qPrintable(QString("n %1 budget %2: sum %3").arg(n).arg(budget).arg(s.sum().item<double>())));
        QVERIFY(s.min().item<double>() >= 0.0 && s.max().item<double>() <= 1.0);
        QVERIFY2(torch::allclose(fast, s, 1e-9, 1e-10),
                 qPrintable(QString("n %1 budget %2: device differs by %3").arg(n).arg(budget)
                                .arg((fast - s).abs().max().item<double>())));
        const torch::Tensor inside = (s > 1e-12) & (s < 1.0 - 1e-12);
        if (inside.sum().item<int64_t>() > 1) {
          const torch::Tensor shift = (z - s).index({inside});
          QVERIFY((shift.max() - shift.min()).item<double>() < 1e-9);
        }
        // A z that already spends more than the budget is projected as under "at most".
        if (torch::clamp(z, 0.0, 1.0).sum().item<double>() >= budget)
          QVERIFY(torch::equal(s, project_to_budget(z, budget, BudgetRule::AtMost)));
      }
    }
  }

  void exactRuleWithABudgetOfEveryEntryKeepsThemAll() {
    const torch::Tensor z = torch::tensor({0.0, -3.0, 0.4}, torch::kFloat64);
    QVERIFY(torch::equal(project_to_budget(z, 3.0, BudgetRule::Exact), torch::ones({3}, torch::kFloat64)));
    QVERIFY(torch::allclose(on_device(z, 3.0, BudgetRule::Exact), torch::ones({3}, torch::kFloat64)));
  }

  // The settling pull is linear in the iterations and its last step lands on the top-K indicator
  // (ties to the larger t); the host and device forms agree.
  void settlingLandsOnTheTopK() {
    QCOMPARE(settle_rate(79, 80, 100), 0.0);
    QCOMPARE(settle_rate(80, 80, 100), 1.0 / 20);
    QCOMPARE(settle_rate(99, 80, 100), 1.0);
    QCOMPARE(settle_rate(100, 80, 100), 0.0);
    std::vector<double> s = {0.5, 0.9, 0.5, 0.2, 0.5, 1.0};
    std::vector<double> start = s;
    const torch::Tensor half = settle_on_device(torch::tensor(s, torch::kFloat64), 3, torch::tensor(0.5, torch::kFloat64));
    settle_in_place(s.data(), 6, 3, 0.5);
    const std::vector<double> expected = {0.25, 0.95, 0.25, 0.1, 0.75, 1.0};  // top 3: t = 5, 1 and 4 (a tie to the larger)
    for (int t = 0; t < 6; ++t) {
      QVERIFY2(std::abs(s[t] - expected[t]) < 1e-15, qPrintable(QString("t %1: %2").arg(t).arg(s[t])));
      QVERIFY(std::abs(half[t].item<double>() - expected[t]) < 1e-15);
    }
    settle_in_place(start.data(), 6, 3, 1.0);
    QCOMPARE(start, (std::vector<double>{0, 1, 0, 0, 1, 1}));
    const torch::Tensor last = settle_on_device(torch::tensor({0.3, 0.7, 0.7}, torch::kFloat64), 1, torch::tensor(1.0, torch::kFloat64));
    QVERIFY(torch::equal(last, torch::tensor({0.0, 0.0, 1.0}, torch::kFloat64)));
  }

  void rampFollowsTheCubic() {
    const BudgetRamp ramp{100, 300, 0.01};
    QCOMPARE(ramp.gamma(0), 1.0);
    QCOMPARE(ramp.gamma(99), 1.0);
    QCOMPARE(ramp.gamma(100), 1.0);
    QVERIFY(std::abs(ramp.gamma(200) - (0.01 + 0.99 * 0.125)) < 1e-15);
    QCOMPARE(ramp.gamma(300), 0.01);
    QCOMPARE(ramp.gamma(5000), 0.01);
  }
};

QTEST_GUILESS_MAIN(TestBudgetProjection)
#include "test_budget_projection.moc"
