#include <torch/torch.h>

#include <QtTest>

#include "handcrafted_schedules.h"
#include "mask_semantics.h"
#include "rng.h"
#include "sampler.h"

using namespace eddpm;

namespace {
// The exact noise prediction for data ~ N(mu, sd^2) per coordinate at level abar_t:
// E[eps | x_t] = sqrt(1 - a) (x_t - sqrt(a) mu) / (a sd^2 + 1 - a).
class GaussianOracle : public EpsModel {
 public:
  GaussianOracle(const NoiseSchedule& noise, torch::Tensor mu, double sd)
      : abar_(torch::tensor(noise.alpha_bars(), torch::kFloat64)), mu_(std::move(mu)), sd_(sd) {}
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& t) override {
    const torch::Tensor a = abar_.index_select(0, t).unsqueeze(1);
    ++calls;
    return (torch::sqrt(1 - a) * (x.to(torch::kFloat64) - torch::sqrt(a) * mu_) / (a * sd_ * sd_ + 1 - a)).to(x.scalar_type());
  }
  std::string preset() const override { return "oracle"; }
  std::vector<int64_t> sample_shape() const override { return {2}; }
  int calls = 0;

 private:
  torch::Tensor abar_, mu_;
  double sd_;
};
}  // namespace

class TestSampler : public QObject {
  Q_OBJECT
 private slots:
  void ddpmStepIsThePosterior() {
    torch::manual_seed(1);
    const double a = 0.6, a_prev = 0.8;
    const torch::Tensor x = torch::randn({64, 2}, torch::kFloat64);
    const torch::Tensor eps = torch::randn({64, 2}, torch::kFloat64);
    const torch::Tensor z = torch::randn({64, 2}, torch::kFloat64);
    const torch::Tensor got = sampler_update(x, eps, a, a_prev, 1.0, z, std::nullopt);
    const double alpha = a / a_prev, beta = 1 - alpha;
    const torch::Tensor x0 = (x - std::sqrt(1 - a) * eps) / std::sqrt(a);
    const torch::Tensor mean = std::sqrt(a_prev) * beta / (1 - a) * x0 + std::sqrt(alpha) * (1 - a_prev) / (1 - a) * x;
    const double sd = std::sqrt((1 - a_prev) / (1 - a) * beta);
    QVERIFY(torch::allclose(got, mean + sd * z, 1e-10, 1e-10));
  }

  void ddimStepIsDeterministic() {
    const torch::Tensor x = torch::randn({8, 2}, torch::kFloat64), eps = torch::randn({8, 2}, torch::kFloat64);
    const torch::Tensor first = sampler_update(x, eps, 0.3, 0.7, 0.0, torch::randn({8, 2}, torch::kFloat64), std::nullopt);
    const torch::Tensor second = sampler_update(x, eps, 0.3, 0.7, 0.0, torch::randn({8, 2}, torch::kFloat64), std::nullopt);
    QVERIFY(torch::equal(first, second));
  }

  void clippingKeepsPredictionsInRange() {
    const torch::Tensor x = torch::full({1, 2}, 5.0, torch::kFloat64), eps = torch::zeros({1, 2}, torch::kFloat64);
    const torch::Tensor last = sampler_update(x, eps, 0.5, 1.0, 0.0, {}, 1.0);
    QVERIFY(torch::allclose(last, torch::ones({1, 2}, torch::kFloat64)));
  }

  // DDIM with the exact eps of Gaussian data is a linear map per step, so the moments of its output
  // follow in closed form: x_prev = c x + e mu.
  void ddimMomentsMatchClosedForm_data() {
    QTest::addColumn<int>("K");
    QTest::newRow("10 steps") << 10;
    QTest::newRow("100 steps") << 100;
  }

  void ddimMomentsMatchClosedForm() {
    QFETCH(int, K);
    const NoiseSchedule noise({BetaKind::Linear, 1000, 1e-4, 0.02});
    const double mu = 1.0, sd = 0.5;
    const std::vector<int> steps = handcrafted_schedule(ScheduleKind::Trailing, K, noise);
    double mean = 0.0, var = 1.0;
    for (size_t j = 0; j < steps.size(); ++j) {
      const double a = noise.alpha_bar(steps[j]), ap = j + 1 < steps.size() ? noise.alpha_bar(steps[j + 1]) : 1.0;
      const double k = std::sqrt(1 - a) / (a * sd * sd + 1 - a);
      const double c = std::sqrt(ap) * (1 - std::sqrt(1 - a) * k) / std::sqrt(a) + std::sqrt(1 - ap) * k;
      const double e = std::sqrt(ap) * std::sqrt(1 - a) * k - std::sqrt(1 - ap) * k * std::sqrt(a);
      mean = c * mean + e * mu;
      var = c * c * var;
    }
    GaussianOracle oracle(noise, torch::tensor({mu, mu}, torch::kFloat64), sd);
    at::Generator gen = make_cpu_generator(3);
    const torch::Tensor x_T = torch::randn({40000, 2}, gen, torch::kFloat64);
    const torch::Tensor x = sample_chain(oracle, steps, kept_levels(noise, Semantics::Jump, steps), x_T, {}, gen);
    for (int d = 0; d < 2; ++d) {
      QVERIFY(std::abs(x.select(1, d).mean().item<double>() - mean) < 0.01);
      QVERIFY(std::abs(x.select(1, d).var().item<double>() / var - 1) < 0.03);
    }
  }

  // Ancestral sampling through every step with the exact eps recovers the data distribution.
  void ddpmSamplesHaveTheDataMoments() {
    const NoiseSchedule noise({BetaKind::Linear, 1000, 1e-4, 0.02});
    const torch::Tensor mu = torch::tensor({1.0, -0.5}, torch::kFloat64);
    const double sd = 0.5;
    GaussianOracle oracle(noise, mu, sd);
    const std::vector<int> steps = full_schedule(1000);
    at::Generator gen = make_cpu_generator(4);
    const torch::Tensor x_T = torch::randn({20000, 2}, gen, torch::kFloat64);
    SamplerOptions options;
    options.solver.eta = 1.0;
    const torch::Tensor x = sample_chain(oracle, steps, kept_levels(noise, Semantics::Jump, steps), x_T, options, gen);
    const torch::Tensor mean = x.mean(0), var = x.var(0);
    for (int d = 0; d < 2; ++d) {
      QVERIFY2(std::abs(mean[d].item<double>() - mu[d].item<double>()) < 0.02,
               qPrintable(QString("mean %1").arg(mean[d].item<double>())));
      QVERIFY2(std::abs(var[d].item<double>() / (sd * sd) - 1) < 0.05, qPrintable(QString("var %1").arg(var[d].item<double>())));
    }
  }

  // A cancel flag set from another thread stops the chain before its next network call, and the
  // model's training mode is back as it was.
  void cancelledChainStopsAtTheNextStep() {
    const NoiseSchedule noise({BetaKind::Linear, 1000, 1e-4, 0.02});
    GaussianOracle oracle(noise, torch::zeros({2}, torch::kFloat64), 1.0);
    oracle.train(true);
    const std::vector<int> steps = full_schedule(1000);
    at::Generator gen = make_cpu_generator(5);
    std::atomic<bool> cancel{false};
    SamplerOptions options;
    options.cancel = &cancel;
    const torch::Tensor x_T = torch::randn({16, 2}, gen, torch::kFloat64);
    const std::vector<double> levels = kept_levels(noise, Semantics::Jump, steps);
    QCOMPARE(sample_chain(oracle, steps, levels, x_T, options, gen).sizes(), x_T.sizes());
    QCOMPARE(oracle.calls, 1000);
    cancel = true;
    oracle.calls = 0;
    QVERIFY_THROWS_EXCEPTION(Cancelled, sample_chain(oracle, steps, levels, x_T, options, gen));
    QCOMPARE(oracle.calls, 0);
    QVERIFY(oracle.is_training());
  }
};

QTEST_GUILESS_MAIN(TestSampler)
#include "test_sampler.moc"
