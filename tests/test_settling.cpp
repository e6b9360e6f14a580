#include <torch/torch.h>

#include <QtTest>

#include <QTemporaryDir>
#include <algorithm>
#include <fstream>
#include <numeric>

#include <nlohmann/json.hpp>

#include "checkpoint.h"
#include "training_checkpoint.h"
#include "eddpm_trainer.h"
#include "learned_schedule.h"
#include "settle_target.h"
#include "trainer_test_runs.h"
#include "training_run.h"

using namespace eddpm;
using eddpm::test::small_run;

// Settling (mask_settling.h, settle_target.h): toward a target it is given, toward the best
// measured candidate, and the recheck before the run's end.
class TestSettling : public QObject {
  Q_OBJECT
 private slots:
  // Settling toward a target (settle_target.h) ends exactly on the target's steps, whatever s's own
  // top K is; the trainer asks for one at the ramp's end, keeps it in its checkpoint and drops it
  // when K changes.
  void settlingLandsOnTheTargetItIsGiven_data() {
    QTest::addColumn<int>("path");
    QTest::newRow("plain") << int(StepPath::Plain);
    QTest::newRow("device") << int(StepPath::Device);
  }

  void settlingLandsOnTheTargetItIsGiven() {
    QFETCH(int, path);
    TrainConfig c = small_run(300, 50, 200, 64);
    c.step_path = StepPath(path);
    EddpmTrainer trainer(c, torch::kCPU);
    while (trainer.iteration() < c.ramp_end) {
      QVERIFY(!trainer.wants_settle_target());
      trainer.step();
    }
    QVERIFY(trainer.wants_settle_target());
    // The steps s ranks lowest (and the pinned one): a target its own top K would never reach.
    std::vector<int> order(49);
    std::iota(order.begin(), order.end(), 0);
    const std::vector<double> s = trainer.mask_probabilities();
    std::stable_sort(order.begin(), order.end(), [&s](int a, int b) { return s[a] < s[b]; });
    std::vector<int> target(order.begin(), order.begin() + 9);
    target.push_back(49);
    std::sort(target.rbegin(), target.rend());
    QVERIFY(target != top_k_timesteps(s, 10));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, trainer.set_settle_target({49, 48, 47}));
    std::vector<int> unpinned = target;
    unpinned.front() = 48 == target[1] ? 47 : 48;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, trainer.set_settle_target(unpinned));
    std::vector<int> repeated = target;
    repeated[2] = repeated[1];
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, trainer.set_settle_target(repeated));
    trainer.set_settle_target(target);
    QVERIFY(!trainer.wants_settle_target());
    QCOMPARE(trainer.settle_target_set_at(), c.ramp_end);

    QTemporaryDir dir;
    const std::string file = dir.filePath("checkpoint.pt").toStdString();
    save_checkpoint(trainer, file);
    QCOMPARE(resume_training(file, "cpu")->settle_target(), target);

    // The recheck three quarters of the way to the end, once.
    QCOMPARE(trainer.settle_recheck_iteration(), int64_t(275));
    while (trainer.iteration() < 275) {
      QVERIFY(!trainer.wants_settle_target());
      trainer.step();
    }
    QVERIFY(trainer.wants_settle_target());
    save_checkpoint(trainer, file);
    QVERIFY(resume_training(file, "cpu")->wants_settle_target());  // a target set at the ramp's end, kept
    trainer.set_settle_target(target);
    QVERIFY(!trainer.wants_settle_target());
    save_checkpoint(trainer, file);
    QCOMPARE(resume_training(file, "cpu")->settle_target_set_at(), int64_t(275));

    while (trainer.iteration() < c.iters) {
      QVERIFY(!trainer.wants_settle_target());
      trainer.step();
    }
    const std::vector<double> end = trainer.mask_probabilities();
    for (int t = 0; t < 50; ++t)
      QCOMPARE(end[t], std::find(target.begin(), target.end(), t) != target.end() ? 1.0 : 0.0);
    QVERIFY(!trainer.wants_settle_target());  // the run is over

    trainer.set_total_iters(400);
    trainer.set_steps_kept(8);
    QVERIFY(trainer.settle_target().empty());
    QVERIFY(trainer.wants_settle_target());
  }

  // Draws of K steps from the mask: K distinct steps, the pinned one kept, none where s is 0.
  void stepSetsAreDrawnFromTheMask() {
    std::vector<double> s(50, 0.0);
    for (int t = 10; t < 30; ++t) s[t] = 0.4;
    s[49] = 1.0;
    const auto sets = draw_step_sets(s, 6, true, 8, 3);
    QCOMPARE(sets.size(), size_t(8));
    for (const auto& steps : sets) {
      QCOMPARE(steps.size(), size_t(6));
      QCOMPARE(steps.front(), 49);
      for (size_t i = 1; i < steps.size(); ++i) {
        QVERIFY(steps[i] < steps[i - 1]);
        QVERIFY(steps[i] >= 10 && steps[i] < 30);
      }
      QCOMPARE(std::count(sets.begin(), sets.end(), steps), 1L);
    }
  }

  // The chooser measures the mask's top K, draws from the mask and the handcrafted families that
  // can be targets, and chooses the one that measured best; run_training hands it to the trainer
  // and writes it down, and the run ends on those steps.
  void runSettlesTowardTheBestMeasuredCandidate() {
    TrainConfig c = small_run(300, 50, 200, 64);
    QCOMPARE(int(c.settle_to), int(SettleTo::BestMeasured));  // the default
    QCOMPARE(TrainConfig().check_samples(), int64_t(16000));    // the default for points
    EddpmTrainer trainer(c, torch::kCPU);
    QTemporaryDir dir;
    std::vector<SettleChoice> choices;
    RunCallbacks callbacks;
    callbacks.on_settle_choice = [&choices](const SettleChoice& choice) { choices.push_back(choice); };
    run_training(trainer, dir.path().toStdString(), callbacks);
    QCOMPARE(choices.size(), size_t(2));  // at the ramp's end and the recheck
    const SettleChoice& heard = choices.front();
    QCOMPARE(heard.n, int64_t(2000));
    QVERIFY(!heard.recheck);
    QCOMPARE(heard.iteration, c.ramp_end);
    QCOMPARE(heard.candidates.front().kind, std::string("learned"));
    QVERIFY(heard.candidates.size() > size_t(10));
    for (const SettleCandidate& candidate : heard.candidates) {
      QCOMPARE(candidate.timesteps.size(), size_t(10));
      QCOMPARE(candidate.timesteps.front(), 49);
      QVERIFY(candidate.value >= heard.best().value);
    }
    std::ifstream file(dir.filePath("settle_choice.json").toStdString());
    const nlohmann::json written = nlohmann::json::parse(file);
    QCOMPARE(written.at("timesteps").get<std::vector<int>>(), heard.best().timesteps);
    QCOMPARE(written.at("candidates").size(), heard.candidates.size());

    // The recheck: the target first, under the name the first choice gave it, then the families.
    const SettleChoice& recheck = choices.back();
    QVERIFY(recheck.recheck);
    QCOMPARE(recheck.iteration, int64_t(275));
    QCOMPARE(recheck.seed, heard.seed + 1);  // other noise
    QCOMPARE(recheck.candidates.front().timesteps, heard.best().timesteps);
    QCOMPARE(recheck.candidates.front().kind, heard.best().kind);
    for (size_t i = 0; i < recheck.candidates.size(); ++i) {
      QVERIFY(i == 0 || recheck.candidates[i].kind.rfind("draw", 0) != 0);  // no draws from a settled mask
      QVERIFY(recheck.candidates[i].value >= recheck.best().value);
    }
    QCOMPARE(trainer.settle_target(), recheck.best().timesteps);
    QCOMPARE(top_k_timesteps(trainer.mask_probabilities(), 10), recheck.best().timesteps);
    std::ifstream recheck_file(dir.filePath("settle_recheck.json").toStdString());
    QCOMPARE(nlohmann::json::parse(recheck_file).at("timesteps").get<std::vector<int>>(), recheck.best().timesteps);
  }

  // A target that measures worse than a family at the recheck is replaced, and the run ends on the
  // family's steps: here the ten steps nearest t = 0 (the sampler jumps from the pinned T - 1 to 8).
  void recheckReplacesATargetThatMeasuresWorse() {
    TrainConfig c = small_run(300, 50, 200, 64);
    EddpmTrainer trainer(c, torch::kCPU);
    while (trainer.iteration() < c.ramp_end) trainer.step();
    const std::vector<int> bad{49, 8, 7, 6, 5, 4, 3, 2, 1, 0};
    trainer.set_settle_target(bad);
    QTemporaryDir dir;
    std::vector<SettleChoice> choices;
    RunCallbacks callbacks;
    callbacks.on_settle_choice = [&choices](const SettleChoice& choice) { choices.push_back(choice); };
    run_training(trainer, dir.path().toStdString(), callbacks);
    QCOMPARE(choices.size(), size_t(1));
    QVERIFY(choices.front().recheck);
    QCOMPARE(choices.front().candidates.front().kind, std::string("the target"));  // no settle_choice.json
    QVERIFY(choices.front().chosen != 0);
    QVERIFY(trainer.settle_target() != bad);
    QCOMPARE(top_k_timesteps(trainer.mask_probabilities(), 10), choices.front().best().timesteps);
    QVERIFY(QString::fromStdString(choices.front().summary()).startsWith("Rechecked: settling toward "));
  }
};

QTEST_GUILESS_MAIN(TestSettling)
#include "test_settling.moc"
