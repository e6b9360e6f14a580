#include <torch/torch.h>

#include <QtTest>

#include "beta_quantile.h"
#include "handcrafted_schedules.h"

using namespace eddpm;

namespace {
const NoiseSchedule& linear1000() {
  static const NoiseSchedule noise({BetaKind::Linear, 1000, 1e-4, 0.02});
  return noise;
}
bool strictly_descending(const std::vector<int>& v) {
  for (size_t i = 1; i < v.size(); ++i)
    if (v[i] >= v[i - 1]) return false;
  return true;
}
}  // namespace

class TestHandcraftedSchedules : public QObject {
  Q_OBJECT
 private slots:
  void uniformIsLeading() {
    QCOMPARE(handcrafted_schedule(ScheduleKind::Uniform, 10, linear1000()),
             (std::vector<int>{900, 800, 700, 600, 500, 400, 300, 200, 100, 0}));
  }
  void trailingEndsAtTheTop() {
    QCOMPARE(handcrafted_schedule(ScheduleKind::Trailing, 4, linear1000()), (std::vector<int>{999, 749, 499, 249}));
  }
  void linspaceRoundsHalfToEven() {
    // linspace(0, 999, 5) = 0, 249.75, 499.5, 749.25, 999: 499.5 rounds to 500 (even)
    QCOMPARE(handcrafted_schedule(ScheduleKind::Linspace, 5, linear1000()), (std::vector<int>{999, 749, 500, 250, 0}));
  }
  void quadraticIsFloorOfSquares() {
    // linspace(0, sqrt(800), 5)^2 = 0, 50, 200, 450, 800
    QCOMPARE(handcrafted_schedule(ScheduleKind::Quadratic, 5, linear1000()), (std::vector<int>{800, 450, 200, 50, 0}));
  }
  void levelSpacedSchedulesSpanTheEnds_data() {
    QTest::addColumn<int>("kind");
    QTest::newRow("logsnr") << int(ScheduleKind::LogSnr);
    QTest::newRow("karras") << int(ScheduleKind::Karras);
    QTest::newRow("kl-optimal") << int(ScheduleKind::KlOptimal);
  }
  void levelSpacedSchedulesSpanTheEnds() {
    QFETCH(int, kind);
    const auto steps = handcrafted_schedule(ScheduleKind(kind), 10, linear1000());
    QVERIFY(strictly_descending(steps));
    QCOMPARE(steps.front(), 999);
    QCOMPARE(steps.back(), 0);
    QVERIFY(steps.size() >= 8);
  }
  void logSnrStepsAreEvenInLogSnr() {
    const NoiseSchedule& n = linear1000();
    const auto steps = handcrafted_schedule(ScheduleKind::LogSnr, 6, n);
    QCOMPARE(int(steps.size()), 6);
    const double lo = 0.5 * std::log(n.snr(999)), hi = 0.5 * std::log(n.snr(0));
    for (int i = 0; i < 6; ++i) {
      const double want = lo + i / 5.0 * (hi - lo);
      const double got = 0.5 * std::log(n.snr(steps[i]));
      const double slope = std::abs(0.5 * std::log(n.snr(std::max(steps[i] - 1, 0))) - 0.5 * std::log(n.snr(std::min(steps[i] + 1, 999))));
      QVERIFY(std::abs(got - want) <= slope + 1e-9);
    }
  }
  // The Beta quantile against closed forms: Beta(1, 1) is uniform, Beta(2, 1) has CDF x^2, the
  // arcsine law Beta(1/2, 1/2) has CDF (2/pi) asin(sqrt x); a symmetric one mirrors about 1/2.
  void betaQuantileMatchesClosedForms() {
    for (double q : {0.01, 0.1, 0.37, 0.5, 0.9, 0.999}) {
      QVERIFY(std::abs(beta_quantile(q, 1.0, 1.0) - q) < 1e-12);
      QVERIFY(std::abs(beta_quantile(q, 2.0, 1.0) - std::sqrt(q)) < 1e-12);
      const double s = std::sin(M_PI * q / 2.0);
      QVERIFY(std::abs(beta_quantile(q, 0.5, 0.5) - s * s) < 1e-12);
      QVERIFY(std::abs(beta_quantile(q, 0.6, 0.6) + beta_quantile(1.0 - q, 0.6, 0.6) - 1.0) < 1e-12);
      QVERIFY(std::abs(beta_cdf(beta_quantile(q, 0.6, 3.0), 0.6, 3.0) - q) < 1e-12);
    }
    QCOMPARE(beta_quantile(0.0, 0.6, 0.6), 0.0);
    QCOMPARE(beta_quantile(1.0, 0.6, 0.6), 1.0);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, beta_cdf(0.5, 0.0, 1.0));
  }
  // beta (alpha = beta = 0.6, as ComfyUI and A1111 ship it): from T - 1 down, step i at the Beta
  // quantile 1 - i/K; denser at both ends of the chain than in its middle.
  void betaStepsCrowdBothEnds() {
    const auto steps = handcrafted_schedule(ScheduleKind::Beta, 10, linear1000());
    QCOMPARE(int(steps.size()), 10);
    QVERIFY(strictly_descending(steps));
    QCOMPARE(steps.front(), 999);
    for (int i = 0; i < 10; ++i)
      QCOMPARE(steps[size_t(i)], int(std::nearbyint(beta_quantile(1.0 - i / 10.0, 0.6, 0.6) * 999)));
    const int middle = steps[4] - steps[5];
    QVERIFY(steps[1] - steps[2] < middle && steps[8] - steps[9] < middle);
    QCOMPARE(schedule_kind_from_string("beta"), ScheduleKind::Beta);
    QVERIFY(is_closed_form(ScheduleKind::Beta));
  }
  void karrasCrowdsLowNoise() {
    const auto steps = handcrafted_schedule(ScheduleKind::Karras, 10, linear1000());
    QVERIFY(steps[8] - steps[9] < steps[0] - steps[1]);
  }
  void resamplingToTheSameKKeepsTheSchedule() {
    const auto uniform = handcrafted_schedule(ScheduleKind::Trailing, 10, linear1000());
    QCOMPARE(resample_schedule(uniform, 10, linear1000()), uniform);
    const auto fewer = resample_schedule(uniform, 4, linear1000());
    QCOMPARE(fewer.front(), uniform.front());
    QCOMPARE(fewer.back(), uniform.back());
    QCOMPARE(int(fewer.size()), 4);
  }
  void manualSchedulesAreChecked() {
    QCOMPARE(normalized_schedule({3, 900, 40}, 1000), (std::vector<int>{900, 40, 3}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, normalized_schedule({3, 3}, 1000));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, normalized_schedule({1000}, 1000));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, normalized_schedule({}, 1000));
    QCOMPARE(parse_timestep_list("[0, 10,20 30]"), (std::vector<int>{0, 10, 20, 30}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parse_timestep_list("1,-2"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parse_timestep_list("1,x"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parse_timestep_list("12345678901234"));
  }
};

QTEST_GUILESS_MAIN(TestHandcraftedSchedules)
#include "test_handcrafted_schedules.moc"
