#include <torch/torch.h>

#include <QtTest>

#include "frechet_distance.h"
#include "rng.h"

using namespace eddpm;

namespace {
torch::Tensor f64(std::vector<double> values, std::vector<int64_t> shape) {
  return torch::tensor(values, torch::kFloat64).reshape(shape);
}
}  // namespace

class TestFrechetDistance : public QObject {
  Q_OBJECT

 private slots:
  void identicalSetsAreAtDistanceZero() {
    at::Generator gen = make_cpu_generator(0);
    const torch::Tensor features = torch::randn({500, 16}, gen, torch::kFloat64);
    QVERIFY(std::abs(frechet_distance(features, features)) < 1e-8);
  }

  void symmetricSqrtSquaresBack() {
    at::Generator gen = make_cpu_generator(1);
    const torch::Tensor a = torch::randn({6, 6}, gen, torch::kFloat64);
    const torch::Tensor spd = a.matmul(a.t()) + 0.1 * torch::eye(6, torch::kFloat64);
    const torch::Tensor root = symmetric_sqrt(spd);
    QVERIFY(torch::allclose(root.matmul(root), spd, 1e-9, 1e-9));
  }

  void diagonalGaussiansMatchTheClosedForm() {
    // Diagonal covariances: FD = |mu_a - mu_b|^2 + sum (sqrt(a_i) - sqrt(b_i))^2.
    const GaussianMoments a{f64({0, 1, 2}, {3}), torch::diag(f64({1, 4, 9}, {3}))};
    const GaussianMoments b{f64({1, 1, 0}, {3}), torch::diag(f64({4, 1, 0.25}, {3}))};
    const double expected = (1 + 0 + 4) + (1 + 1 + 6.25);
    QVERIFY(std::abs(frechet_distance(a, b) - expected) < 1e-9);
  }

  void twoByTwoGaussiansMatchTheClosedForm() {
    // For 2x2 matrices tr sqrt(A^1/2 B A^1/2) = sqrt(tr(AB) + 2 sqrt(det A det B)).
    const torch::Tensor A = f64({2.0, 0.7, 0.7, 1.0}, {2, 2});
    const torch::Tensor B = f64({1.5, -0.4, -0.4, 0.8}, {2, 2});
    const double trace_root = std::sqrt(A.matmul(B).trace().item<double>() +
                                        2.0 * std::sqrt(torch::det(A).item<double>() * torch::det(B).item<double>()));
    const double expected = 0.5 * 0.5 + 0.3 * 0.3 + A.trace().item<double>() + B.trace().item<double>() - 2 * trace_root;
    const GaussianMoments a{f64({0.0, 0.0}, {2}), A};
    const GaussianMoments b{f64({0.5, -0.3}, {2}), B};
    QVERIFY(std::abs(frechet_distance(a, b) - expected) < 1e-9);
  }

  void samplesOfKnownGaussiansApproachTheClosedForm() {
    at::Generator gen = make_cpu_generator(2);
    const torch::Tensor A = f64({2.0, 0.7, 0.7, 1.0}, {2, 2});
    const torch::Tensor B = f64({1.5, -0.4, -0.4, 0.8}, {2, 2});
    const int64_t n = 200000;
    const torch::Tensor xa = torch::randn({n, 2}, gen, torch::kFloat64).matmul(torch::linalg_cholesky(A).t());
    const torch::Tensor xb =
        torch::randn({n, 2}, gen, torch::kFloat64).matmul(torch::linalg_cholesky(B).t()) + f64({0.5, -0.3}, {1, 2});
    const double exact = frechet_distance(GaussianMoments{f64({0, 0}, {2}), A}, GaussianMoments{f64({0.5, -0.3}, {2}), B});
    QVERIFY2(std::abs(frechet_distance(xa, xb) - exact) < 0.02 * exact + 0.005,
             qPrintable(QString("%1 vs %2").arg(frechet_distance(xa, xb)).arg(exact)));
  }
};

QTEST_GUILESS_MAIN(TestFrechetDistance)
#include "test_frechet_distance.moc"
