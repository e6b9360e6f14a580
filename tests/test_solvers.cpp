// Every solver against the closed form. For Gaussian data N(mu, s^2) per coordinate the model's
// ideal noise estimate is known at every level, the probability-flow ODE has an exact solution
// (in y = x / sqrt(a) with sigma = sqrt((1 - a) / a): y - mu scales by sqrt((s^2 + sigma^2) /
// (s^2 + sigma_0^2))), and each solver is an affine map of the starting noise, so the distribution of
// its K-step samples is a Gaussian whose Wasserstein-2 distance to the exact one is computable. That
// distance must fall with K at the solver's order.
#include <torch/torch.h>

#include <QtTest>

#include <cmath>
#include <map>

#include "rng.h"
#include "sampler.h"

using namespace eddpm;

namespace {

constexpr double kMu = 0.8, kSd = 0.5;
constexpr double kSigmaMax = 20.0, kSigmaMin = 0.02;

// E[eps | x] for data N(mu, sd^2) at level a, with a looked up by timestep.
class GaussianOracle : public EpsModel {
 public:
  explicit GaussianOracle(std::vector<double> level_of_t) : levels_(std::move(level_of_t)) {}
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& t) override {
    ++calls;
    const double a = levels_.at(t[0].item<int64_t>());
    return std::sqrt(1 - a) * (x - std::sqrt(a) * kMu) / (a * kSd * kSd + 1 - a);
  }
  std::string preset() const override { return "oracle"; }
  std::vector<int64_t> sample_shape() const override { return {1}; }
  int calls = 0;

 private:
  std::vector<double> levels_;
};

// K steps spaced evenly in log sigma (lambda) from kSigmaMax to kSigmaMin: timestep K-1-j at level
// a_j = 1 / (1 + sigma_j^2).
struct Chain {
  std::vector<int> timesteps;
  std::vector<double> levels;  // by position in the chain
  std::vector<double> by_t;    // by timestep, for the oracle
};

Chain geometric_chain(int K) {
  Chain c;
  c.by_t.resize(K);
  for (int j = 0; j < K; ++j) {
    const double sigma = kSigmaMax * std::pow(kSigmaMin / kSigmaMax, double(j) / (K - 1));
    c.timesteps.push_back(K - 1 - j);
    c.levels.push_back(1.0 / (1.0 + sigma * sigma));
    c.by_t[K - 1 - j] = c.levels.back();
  }
  return c;
}

struct Outcome {
  double w2 = 0.0;  // to the exact chain's output distribution
  int calls = 0;
};

// The solver's output for the starting points y_T = mu and mu + 1 gives its affine map; the exact
// map flows to kSigmaMin and then takes the posterior mean there (the last step of every solver).
Outcome solve(const Solver& solver, int K) {
  const Chain c = geometric_chain(K);
  GaussianOracle oracle(c.by_t);
  const double a0 = c.levels.front();
  const torch::Tensor y_T = torch::tensor({kMu, kMu + 1.0}, torch::kFloat64).unsqueeze(1);
  SamplerOptions options;
  options.solver = solver;
  at::Generator gen = make_cpu_generator(0);
  const torch::Tensor out = sample_chain(oracle, c.timesteps, c.levels, std::sqrt(a0) * y_T, options, gen);
  const double at_mu = out[0][0].item<double>(), slope = out[1][0].item<double>() - at_mu;
  const double spread_T = std::sqrt(kSd * kSd + kSigmaMax * kSigmaMax);  // sd of y_T
  const double exact_slope = std::sqrt((kSd * kSd + kSigmaMin * kSigmaMin) / (kSd * kSd + kSigmaMax * kSigmaMax)) *
                             kSd * kSd / (kSd * kSd + kSigmaMin * kSigmaMin);
  return {std::hypot(at_mu - kMu, (std::abs(slope) - exact_slope) * spread_T), oracle.calls};
}

// log2 of the error ratio when the steps double: the observed order.
double observed_order(const Solver& solver, int K) { return std::log2(solve(solver, K).w2 / solve(solver, 2 * K).w2); }

Solver named(const char* name) { return Solver::parse(name); }

}  // namespace

class TestSolvers : public QObject {
  Q_OBJECT
 private slots:
  void everySolverConvergesAtItsOrder_data() {
    QTest::addColumn<QString>("solver");
    QTest::addColumn<double>("order");
    QTest::newRow("ddim") << "ddim" << 1.0;
    QTest::newRow("euler") << "euler" << 1.0;
    QTest::newRow("heun") << "heun" << 2.0;
    QTest::newRow("dpmpp-2m") << "dpmpp-2m" << 2.0;
    // Order-2 UniP with the UniC corrector converges at order 3 (the corrector adds one: Zhao et
    // al. 2023, Theorem 3.3); order 2 here would mean the corrector does nothing.
    QTest::newRow("unipc") << "unipc" << 3.0;
  }
  void everySolverConvergesAtItsOrder() {
    QFETCH(QString, solver);
    QFETCH(double, order);
    const Solver s = named(qPrintable(solver));
    double previous = INFINITY;
    for (int K : {8, 16, 32, 64}) {
      const Outcome o = solve(s, K);
      qInfo("%s K=%d W2 %.3e", qPrintable(solver), K, o.w2);
      QVERIFY2(o.w2 < previous, qPrintable(QString("K=%1: %2 after %3").arg(K).arg(o.w2).arg(previous)));
      previous = o.w2;
    }
    const double p = observed_order(s, 32);
    qInfo("%s observed order %.2f", qPrintable(solver), p);
    QVERIFY2(p > order - 0.25, qPrintable(QString("order %1, expected %2").arg(p).arg(order)));
  }

  // Each solver calls the network as often as Solver::nfe says (what compare reports as NFE).
  void networkCallsAreTheNfe() {
    for (const std::string& name : solver_names()) {
      const Solver s = Solver::parse(name);
      for (int K : {2, 5, 10}) QCOMPARE(int64_t(solve(s, K).calls), s.nfe(K));
    }
    QCOMPARE(named("heun").nfe(10), int64_t(19));
    QCOMPARE(named("heun").steps_for_nfe(19), int64_t(10));
    QCOMPARE(named("heun").steps_for_nfe(20), int64_t(10));
    QCOMPARE(named("unipc").steps_for_nfe(20), int64_t(20));
  }

  // Euler on the probability-flow ODE with an eps-model is DDIM at eta = 0 (Karras et al. 2022,
  // section 4): two independent implementations of one map. DPM-Solver++ and UniPC are not.
  void eulerIsDdimAtEtaZero() {
    for (int K : {3, 10}) {
      const Chain c = geometric_chain(K);
      GaussianOracle oracle(c.by_t);
      const torch::Tensor x_T = torch::randn({64, 1}, torch::kFloat64) * std::sqrt(1 - c.levels[0]);
      at::Generator gen = make_cpu_generator(0);
      SamplerOptions ddim, euler, dpm;
      euler.solver = named("euler");
      dpm.solver = named("dpmpp-2m");
      const torch::Tensor by_ddim = sample_chain(oracle, c.timesteps, c.levels, x_T, ddim, gen);
      QVERIFY(torch::allclose(sample_chain(oracle, c.timesteps, c.levels, x_T, euler, gen), by_ddim, 1e-10, 1e-10));
      QVERIFY(!torch::allclose(sample_chain(oracle, c.timesteps, c.levels, x_T, dpm, gen), by_ddim, 1e-6, 1e-6));
    }
  }

  // Clipped x0 estimates (image runs) keep every solver's output in the data range.
  void clippedSolversStayInRange() {
    const Chain c = geometric_chain(6);
    GaussianOracle oracle(c.by_t);
    const torch::Tensor x_T = torch::randn({256, 1}, torch::kFloat64) * 3.0;
    for (const std::string& name : solver_names()) {
      SamplerOptions options;
      options.solver = Solver::parse(name);
      options.clip = 1.0;
      at::Generator gen = make_cpu_generator(1);
      const torch::Tensor x = sample_chain(oracle, c.timesteps, c.levels, x_T, options, gen);
      QVERIFY2(x.abs().max().item<double>() <= 1.0 + 1e-9, name.c_str());
    }
  }

  void namesAndEtaAreChecked() {
    QCOMPARE(solver_names().size(), size_t(5));
    for (const std::string& name : solver_names()) QCOMPARE(Solver::parse(name).name(), name);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Solver::parse("dpm++"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Solver::parse("heun", 0.5));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Solver::parse("ddim", 1.5));
    QCOMPARE(Solver::parse("ddim", 1.0).eta, 1.0);
    try {
      Solver::parse("dpm++");
    } catch (const std::invalid_argument& e) {
      QVERIFY2(std::string(e.what()).find("dpmpp-2m") != std::string::npos, e.what());
    }
  }

  // "learned@dpmpp-2m+unipc": a schedule with solvers of its own (--kinds, the explorer's list).
  void schedulesNameTheirOwnSolvers() {
    const ScheduleWithSolvers both = parse_schedule_with_solvers("learned@dpmpp-2m+unipc+dpmpp-2m");
    QCOMPARE(both.schedule, std::string("learned"));
    QCOMPARE(int(both.solvers.size()), 2);  // each once
    QCOMPARE(both.solvers[0].name(), std::string("dpmpp-2m"));
    QCOMPARE(both.solvers[1].name(), std::string("unipc"));
    QVERIFY(parse_schedule_with_solvers("uniform").solvers.empty());
    QCOMPARE(parse_schedule_with_solvers("uniform").schedule, std::string("uniform"));
    QCOMPARE(parse_schedule_with_solvers("karras@ddim", 0.5).solvers.at(0).eta, 0.5);  // eta is ddim's alone
    QCOMPARE(parse_schedule_with_solvers("karras@heun+ddim", 0.5).solvers.at(0).eta, 0.0);
    const std::string path = "file:/home/a@b/steps.json";  // an '@' inside a path stays in it
    QCOMPARE(parse_schedule_with_solvers(path).schedule, path);
    QVERIFY(parse_schedule_with_solvers(path).solvers.empty());
    for (const char* bad : {"learned@", "learned@+", "@heun", "learned@dpm++"})
      QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parse_schedule_with_solvers(bad));
    try {
      parse_schedule_with_solvers("learned@dpm++");
    } catch (const std::invalid_argument& e) {
      QVERIFY2(std::string(e.what()).find("dpmpp-2m") != std::string::npos, e.what());
    }
  }
};

QTEST_GUILESS_MAIN(TestSolvers)
#include "test_solvers.moc"
