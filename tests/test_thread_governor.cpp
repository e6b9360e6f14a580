// The choice between all CPU threads and one, on a simulated machine whose load changes, and the
// choice applied to LibTorch's threads.
#include <torch/torch.h>

#include <chrono>
#include <functional>
#include <random>
#include <thread>

#include <QtTest>

#include "adaptive_cpu_threads.h"
#include "thread_governor.h"

namespace {
// Seconds per step on two cores: idle, two threads are faster; with another program on one core,
// one thread is (the shares measured in docs/BENCHMARKS.md, "Other programs on the same cores").
double step_seconds(int threads, bool busy) {
  if (!busy) return threads > 1 ? 0.040 : 0.065;
  return threads > 1 ? 0.090 : 0.058;
}

struct Simulation {
  double seconds = 0.0;           // simulated time
  double all_threads_seconds = 0.0;  // what the same steps would have taken on all threads
  double seconds_on_one = 0.0;    // of which on one thread
  double first_on_one_at = -1.0;  // when it first chose one thread after the load came
};

// Runs `total` simulated seconds; `busy(t)` says whether another program holds a core at t.
Simulation simulate(eddpm::ThreadGovernor& g, double total, const std::function<bool(double)>& busy,
                    double noise = 0.0, double load_from = 0.0) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> jitter(1.0 - noise, 1.0 + noise);
  Simulation sim;
  while (sim.seconds < total) {
    const int threads = g.threads();
    const double j = jitter(rng);
    const double s = step_seconds(threads, busy(sim.seconds)) * j;
    sim.all_threads_seconds += step_seconds(2, busy(sim.seconds)) * j;
    if (threads == 1) {
      sim.seconds_on_one += s;
      if (sim.first_on_one_at < 0 && sim.seconds >= load_from) sim.first_on_one_at = sim.seconds;
    }
    sim.seconds += s;
    g.record(s);
  }
  return sim;
}
}  // namespace

class TestThreadGovernor : public QObject {
  Q_OBJECT
 private slots:
  // Idle: it tries one thread, goes back, and tries ever less often: after the first minute the
  // trials cost under one percent of the time.
  void idleKeepsAllThreadsAndTriesLessAndLessOften() {
    eddpm::ThreadGovernor g(2);
    simulate(g, 60.0, [](double) { return false; }, 0.15);
    QCOMPARE(g.threads(), 2);
    QVERIFY(g.trials() >= 2);
    const int64_t trials_in_first_minute = g.trials();
    const Simulation later = simulate(g, 540.0, [](double) { return false; }, 0.15);
    QCOMPARE(g.switches(), 0);
    const double cost = later.seconds / later.all_threads_seconds - 1.0;
    QVERIFY2(cost < 0.01, qPrintable(QString("the trials cost %1 of the time after the first minute").arg(cost)));
    QVERIFY2(g.trials() - trials_in_first_minute < 20, qPrintable(QString::number(g.trials())));
  }

  // Busy from the start: one thread within the first two seconds, and it stays there.
  void busyFromTheStartChoosesOneThread() {
    eddpm::ThreadGovernor g(2);
    const Simulation sim = simulate(g, 300.0, [](double) { return true; }, 0.15);
    QCOMPARE(g.threads(), 1);
    QVERIFY2(sim.first_on_one_at < 2.0, qPrintable(QString::number(sim.first_on_one_at)));
    QVERIFY2(sim.seconds_on_one / sim.seconds > 0.95, qPrintable(QString::number(sim.seconds_on_one / sim.seconds)));
  }

  // Load that comes mid-run is noticed by the slower windows, not at the next scheduled trial
  // (by then minutes apart).
  void loadThatComesIsNoticedWithinSeconds() {
    eddpm::ThreadGovernor g(2);
    const Simulation sim = simulate(g, 400.0, [](double t) { return t >= 300.0; }, 0.1, 300.0);
    QCOMPARE(g.threads(), 1);
    QVERIFY2(sim.first_on_one_at >= 300.0 && sim.first_on_one_at < 303.0, qPrintable(QString::number(sim.first_on_one_at)));
  }

  // Load that goes is found by the trials: back on all threads within a minute and a half.
  void loadThatGoesIsFoundWithinMinutes() {
    eddpm::ThreadGovernor g(2);
    simulate(g, 300.0, [](double) { return true; }, 0.1);
    QCOMPARE(g.threads(), 1);
    double t = 0.0;
    while (g.threads() == 1 && t < 600.0) {
      const double s = step_seconds(g.threads(), false);
      t += s;
      g.record(s);
    }
    QVERIFY2(t < 90.0, qPrintable(QString("%1 s on one thread after the load went").arg(t)));
  }

  void oneThreadLeavesNothingToChoose() {
    eddpm::ThreadGovernor g(1);
    for (int i = 0; i < 1000; ++i) QCOMPARE(g.record(i % 2 ? 1.0 : 0.001), 1);
    QCOMPARE(g.trials(), 0);
  }

  // The count reaches LibTorch: a step that runs faster on one thread (it sleeps less when
  // LibTorch has one) is soon run on one, and the count found is given back at the end.
  void appliesTheCountToLibTorchAndGivesItBack() {
    const int before = at::get_num_threads();
    at::set_num_threads(2);  // two threads to choose from, on any machine
    const int found = 2;
    const auto step = [] {
      std::this_thread::sleep_for(std::chrono::milliseconds(at::get_num_threads() > 1 ? 12 : 4));
    };
    {
      eddpm::AdaptiveCpuThreads threads(true, c10::Device("cpu"));
      QCOMPARE(threads.threads(), found);
      for (int i = 0; i < 2000 && threads.threads() != 1; ++i) threads.run(step);
      QCOMPARE(threads.threads(), 1);
      QCOMPARE(at::get_num_threads(), 1);
    }
    QCOMPARE(at::get_num_threads(), found);
    eddpm::AdaptiveCpuThreads off(false, c10::Device("cpu"));
    for (int i = 0; i < 30; ++i) off.run(step);
    QCOMPARE(off.threads(), 0);
    QCOMPARE(at::get_num_threads(), found);
    at::set_num_threads(before);
  }
};

QTEST_GUILESS_MAIN(TestThreadGovernor)
#include "test_thread_governor.moc"
