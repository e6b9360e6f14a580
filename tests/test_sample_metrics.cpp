#include <torch/torch.h>

#include <QtTest>

#include "rng.h"
#include "sample_metrics.h"
#include "toy_data.h"

using namespace eddpm;

class TestSampleMetrics : public QObject {
  Q_OBJECT
 private slots:
  void identicalSetsAreAtZero() {
    at::Generator gen = make_cpu_generator(1);
    const torch::Tensor a = ToyDistribution("moons").sample(2000, gen);
    QVERIFY(sliced_wasserstein(a, a) < 1e-12);
    QVERIFY(std::abs(mmd_rbf(a, a)) < 1e-12);
    QCOMPARE(paired_mean_squared(a, a), 0.0);
  }

  void shiftedSetsGrow() {
    at::Generator gen = make_cpu_generator(2);
    const torch::Tensor a = ToyDistribution("8gaussians").sample(2000, gen);
    double previous_swd = 0.0, previous_mmd = 0.0;
    for (double shift : {0.1, 0.3, 1.0}) {
      const torch::Tensor b = a + shift;
      const double swd = sliced_wasserstein(a, b), mmd = mmd_rbf(a, b);
      QVERIFY(swd > previous_swd);
      QVERIFY(mmd > previous_mmd);
      previous_swd = swd;
      previous_mmd = mmd;
    }
    // A shift by c in every coordinate moves every projection by c (u.1): SW2^2 = c^2 E[(u.1)^2] = c^2.
    QVERIFY(std::abs(sliced_wasserstein(a, a + 1.0, 4096) - 1.0) < 0.05);
  }

  void freshSamplesAreCloserThanAnotherDataSet() {
    at::Generator gen = make_cpu_generator(3);
    const ToyDistribution moons("moons");
    const torch::Tensor a = moons.sample(2000, gen), b = moons.sample(2000, gen);
    const torch::Tensor c = ToyDistribution("checkerboard").sample(2000, gen);
    QVERIFY(sliced_wasserstein(a, b) < 0.5 * sliced_wasserstein(a, c));
    QVERIFY(mmd_rbf(a, b) < 0.5 * mmd_rbf(a, c));
  }

  // Every pair's distance of 16,000 points a side did not fit in memory; the later rows are left out.
  void mmdReadsAtMostItsRows() {
    at::Generator gen = make_cpu_generator(5);
    const torch::Tensor a = ToyDistribution("moons").sample(1000, gen);
    const torch::Tensor b = torch::cat({a, a + 5.0}, 0);
    QVERIFY(std::abs(mmd_rbf(a, b, 1000)) < 1e-12);
    QVERIFY(mmd_rbf(a, b, 2000) > 0.1);
  }

  void dataIsStandardized() {
    at::Generator gen = make_cpu_generator(4);
    for (const std::string& name : toy_dataset_names()) {
      const torch::Tensor x = ToyDistribution(name).sample(50000, gen).to(torch::kFloat64);
      QVERIFY2((x.mean(0).abs() < 0.03).all().item<bool>(), name.c_str());
      QVERIFY2(((x.std(0) - 1).abs() < 0.03).all().item<bool>(), name.c_str());
    }
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ToyDistribution("spirals"));
  }
};

QTEST_GUILESS_MAIN(TestSampleMetrics)
#include "test_sample_metrics.moc"
