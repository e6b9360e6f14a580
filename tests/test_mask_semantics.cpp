#include <torch/torch.h>

#include <QtTest>

#include "learned_schedule.h"
#include "mask_gradient.h"
#include "mask_semantics.h"

using namespace eddpm;

class TestMaskSemantics : public QObject {
  Q_OBJECT
 private slots:
  void jumpKeepsBaseLevels() {
    const NoiseSchedule s({BetaKind::Linear, 100, 1e-4, 0.02});
    const std::vector<int> kept = {99, 60, 10};
    const auto levels = kept_levels(s, Semantics::Jump, kept);
    for (size_t i = 0; i < kept.size(); ++i) QCOMPARE(levels[i], s.alpha_bar(kept[i]));
    QCOMPARE(terminal_level(s, Semantics::Jump, kept), s.alpha_bar(99));
  }

  void paperMultipliesOnlyKeptBetas() {
    const NoiseSchedule s({BetaKind::Linear, 100, 1e-4, 0.02});
    const std::vector<int> kept = {99, 60, 10};
    const auto& b = s.betas();
    const auto levels = kept_levels(s, Semantics::Paper, kept);
    QVERIFY(std::abs(levels[2] - (1 - b[10])) < 1e-15);
    QVERIFY(std::abs(levels[1] - (1 - b[10]) * (1 - b[60])) < 1e-15);
    QVERIFY(std::abs(levels[0] - (1 - b[10]) * (1 - b[60]) * (1 - b[99])) < 1e-15);
    // The prior mismatch: three small betas leave the chain far from noise.
    QVERIFY(terminal_level(s, Semantics::Paper, kept) > 0.9);
  }

  void tensorLevelsAgreeWithScalarOnes() {
    const NoiseSchedule s({BetaKind::Quadratic, 30, 1e-4, 0.5});
    const torch::Tensor betas = torch::tensor(s.betas(), torch::kFloat64);
    const torch::Tensor abar = torch::tensor(s.alpha_bars(), torch::kFloat64);
    torch::Tensor mask = torch::zeros({1, 30}, torch::kFloat64);
    const std::vector<int> kept = {29, 17, 4, 0};
    for (int t : kept) mask[0][t] = 1.0;
    for (Semantics sem : {Semantics::Paper, Semantics::Jump}) {
      const torch::Tensor levels = levels_under_masks(mask, betas, abar, sem);
      const auto expected = kept_levels(s, sem, kept);
      for (size_t i = 0; i < kept.size(); ++i)
        QVERIFY(std::abs(levels[0][kept[i]].item<double>() - expected[i]) < 1e-12);
    }
  }

  void topKBreaksTiesTowardsLargerT() {
    const std::vector<double> s = {0.5, 0.9, 0.5, 0.2, 0.5};
    QCOMPARE(top_k_timesteps(s, 2), (std::vector<int>{4, 1}));
    QCOMPARE(top_k_timesteps(s, 3), (std::vector<int>{4, 2, 1}));
  }

  void statsTellSpreadFromConcentrated() {
    // Spread thinly: u is small but the mask is not deterministic.
    std::vector<double> thin(100, 0.1);
    MaskStats spread = mask_stats(thin, 10);
    QVERIFY(std::abs(spread.uncertainty - 0.1) < 1e-12);
    QVERIFY(!spread.deterministic);
    std::vector<double> sharp(100, 0.0);
    for (int t = 0; t < 10; ++t) sharp[t * 10] = 0.99;
    MaskStats concentrated = mask_stats(sharp, 10);
    QCOMPARE(concentrated.kept_over_half, 10);
    QVERIFY(std::abs(concentrated.concentration - 0.99) < 1e-12);
    QVERIFY(concentrated.deterministic);
  }
};

QTEST_GUILESS_MAIN(TestMaskSemantics)
#include "test_mask_semantics.moc"
