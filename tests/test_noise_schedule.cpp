#include <torch/torch.h>

#include <QtTest>

#include <cmath>

#include "noise_schedule.h"

using namespace eddpm;

class TestNoiseSchedule : public QObject {
  Q_OBJECT
 private slots:
  void linearEndsAndMiddle() {
    const NoiseSchedule s({BetaKind::Linear, 1000, 1e-4, 0.02});
    QCOMPARE(int(s.betas().size()), 1000);
    QVERIFY(std::abs(s.betas().front() - 1e-4) < 1e-15);
    QVERIFY(std::abs(s.betas().back() - 0.02) < 1e-15);
    QVERIFY(std::abs(s.betas()[500] - (1e-4 + 500.0 / 999.0 * (0.02 - 1e-4))) < 1e-15);
  }

  void quadraticIsSquareOfLinearRoots() {
    const NoiseSchedule s({BetaKind::Quadratic, 50, 1e-4, 0.5});
    for (int i = 0; i < 50; ++i) {
      const double r = 0.01 + i / 49.0 * (std::sqrt(0.5) - 0.01);
      QVERIFY(std::abs(s.betas()[i] - r * r) < 1e-14);
    }
  }

  void cosineMatchesItsAlphaBarFormula() {
    const int T = 1000;
    const NoiseSchedule s({BetaKind::Cosine, T, 0, 0});
    auto f = [&](double t) {
      const double c = std::cos((t / T + 0.008) / 1.008 * M_PI / 2);
      return c * c;
    };
    // Before the 0.999 cap bites, abar_t = f(t)/f(0) exactly.
    for (int t : {1, 10, 300, 700, 900}) QVERIFY(std::abs(s.alpha_bar(t - 1) - f(t) / f(0)) < 1e-12);
    for (double b : s.betas()) QVERIFY(b <= 0.999 + 1e-15);
  }

  void alphaBarIsCumulativeProduct() {
    const NoiseSchedule s({BetaKind::Linear, 200, 1e-4, 0.02});
    double prod = 1.0;
    for (int i = 0; i < 200; ++i) {
      prod *= 1 - s.betas()[i];
      QVERIFY(std::abs(s.alpha_bar(i) - prod) < 1e-15);
      QVERIFY(std::abs(s.snr(i) - prod / (1 - prod)) < 1e-9 * s.snr(i));
    }
  }

  void invalidSpecsAreRefused() {
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, NoiseSchedule({BetaKind::Linear, 1, 1e-4, 0.02}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, NoiseSchedule({BetaKind::Linear, 100, 0.02, 1e-4}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, NoiseSchedule({BetaKind::Linear, 100, 1e-4, 1.5}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, beta_kind_from_string("sigmoid"));
  }
};

QTEST_GUILESS_MAIN(TestNoiseSchedule)
#include "test_noise_schedule.moc"
