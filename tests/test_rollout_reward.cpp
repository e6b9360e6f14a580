#include <torch/torch.h>

#include <QtTest>

#include <algorithm>

#include <QTemporaryDir>

#include "checkpoint.h"
#include "training_checkpoint.h"
#include "eddpm_trainer.h"
#include "handcrafted_schedules.h"
#include "learned_schedule.h"
#include "mask_gradient.h"
#include "mlp_denoiser.h"
#include "rng.h"
#include "rollout_reward.h"
#include "schedule_factory.h"
#include "sampler.h"

using namespace eddpm;

namespace {
const NoiseSchedule& noise50() {
  static const NoiseSchedule noise(BetaSpec{BetaKind::Linear, 50, 1e-4, 0.05});
  return noise;
}

torch::Tensor mask_of(const std::vector<int>& steps, int T) {
  torch::Tensor m = torch::zeros({T}, torch::kFloat64);
  for (int t : steps) m[t] = 1.0;
  return m;
}

TrainConfig rollout_run(Reward reward) {
  TrainConfig c;
  c.beta = {BetaKind::Linear, 50, 1e-4, 0.05};
  c.semantics = Semantics::Jump;
  c.reward = reward;
  c.keep = 0.1;
  c.iters = 40;
  c.warmup = 0;
  c.ramp_end = 30;
  c.batch = 32;
  c.masks_per_iter = 6;
  c.pool = 32;
  c.refresh_every = 10;
  c.log_every = 10;
  c.device = "cpu";
  return c;
}
// Every handcrafted family's K = 5 steps as the mask's start scores them: the pinned last step kept.
std::vector<std::vector<int>> pinned_families(EddpmTrainer& trainer, uint64_t seed) {
  const int T = 50, K = 5;
  at::Generator gen = make_cpu_generator(seed + 2);
  std::vector<std::vector<int>> candidates;
  for (ScheduleKind kind : handcrafted_kinds()) {
    std::vector<int> steps = make_schedule(kind, K, trainer.trained(), gen);
    if (steps.front() != T - 1) {
      steps.insert(steps.begin(), T - 1);
      if (int(steps.size()) > K) steps.pop_back();
    }
    candidates.push_back(steps);
  }
  return candidates;
}

// The rollout reward of each step set on the trainer's pool (lower is better).
torch::Tensor rewards_of(EddpmTrainer& trainer, const std::vector<std::vector<int>>& candidates) {
  torch::Tensor masks = torch::zeros({int64_t(candidates.size()), 50}, torch::kFloat64);
  for (size_t i = 0; i < candidates.size(); ++i) masks[int64_t(i)] = mask_of(candidates[i], 50);
  return trainer.rollout()->rewards(trainer.sampling_model(), masks, torch::Tensor());
}

}  // namespace

class TestRolloutReward : public QObject {
  Q_OBJECT

 private slots:
  void theFullScheduleHasZeroFidelityReward() {
    torch::manual_seed(0);
    MlpDenoiser model;
    RolloutReward fidelity(RolloutKind::Fidelity, {&noise50(), Semantics::Jump, std::nullopt});
    at::Generator gen = make_cpu_generator(1);
    fidelity.refresh(model, 64, {2}, torch::kCPU, gen);
    const torch::Tensor masks = torch::stack({torch::ones({50}, torch::kFloat64), mask_of({49, 30, 10, 0}, 50)});
    const torch::Tensor r = fidelity.rewards(model, masks, {});
    QVERIFY(r[0].item<double>() < 1e-10);  // zero up to rounding (the masks run as one batch)
    QVERIFY(r[1].item<double>() > 1e-6);  // four steps do not retrace fifty
  }

  void aMaskOfAScheduleReproducesItsSamples() {
    torch::manual_seed(2);
    MlpDenoiser model;
    RolloutReward data(RolloutKind::Data, {&noise50(), Semantics::Paper, std::nullopt});
    at::Generator gen = make_cpu_generator(3);
    data.refresh(model, 40, {2}, torch::kCPU, gen);
    const std::vector<int> steps = handcrafted_schedule(ScheduleKind::Quadratic, 6, noise50());
    at::Generator unused = make_cpu_generator(0);
    const torch::Tensor expected = sample_chain(model, steps, kept_levels(noise50(), Semantics::Paper, steps),
                                                data.starting_noise(), SamplerOptions{}, unused);
    QVERIFY(torch::equal(data.sample_under_mask(model, mask_of(steps, 50)), expected));
    QCOMPARE(mask_timesteps(mask_of(steps, 50)), steps);
  }

  // All masks in one batched chain give what each mask gives alone (short masks are padded with
  // steps that change nothing), under both semantics and with clipping.
  void batchedRolloutsEqualOneMaskAtATime_data() {
    QTest::addColumn<int>("semantics");
    QTest::addColumn<bool>("clip");
    QTest::newRow("jump") << int(Semantics::Jump) << false;
    QTest::newRow("paper, clipped") << int(Semantics::Paper) << true;
  }
  void batchedRolloutsEqualOneMaskAtATime() {
    QFETCH(int, semantics);
    QFETCH(bool, clip);
    torch::manual_seed(5);
    MlpDenoiser model;
    ChainSpec chain{&noise50(), Semantics(semantics), std::nullopt};
    if (clip) chain.clip = 1.0;
    RolloutReward rollout(RolloutKind::Fidelity, chain);
    at::Generator gen = make_cpu_generator(6);
    rollout.refresh(model, 16, {2}, torch::kCPU, gen);
    const torch::Tensor masks = torch::stack({mask_of({49, 30, 10, 0}, 50), mask_of({49, 2}, 50),
                                              torch::ones({50}, torch::kFloat64), mask_of({49}, 50)});
    const torch::Tensor batched = rollout.samples_under_masks(model, masks);
    for (int64_t m = 0; m < masks.size(0); ++m)
      QVERIFY2(torch::allclose(batched[m], rollout.sample_under_mask(model, masks[m]), 1e-4, 1e-5),
               qPrintable(QString("mask %1").arg(m)));
  }

  // The score-function estimate with M masks and the leave-one-out baseline, averaged over many
  // draws, equals the exact gradient of E_m[R(m)] found by enumerating every mask (T = 5, the
  // last step pinned, so 16 masks).
  void theGradientEstimateIsUnbiased() {
    const int T = 5;
    const torch::Tensor s = torch::tensor({0.3, 0.6, 0.8, 0.5, 1.0}, torch::kFloat64);
    auto reward = [](const torch::Tensor& m) {  // any fixed function of the mask; not linear
      const auto a = m.accessor<double, 1>();
      return 1.0 * a[0] - 2.0 * a[1] + 0.5 * a[2] + 3.0 * a[0] * a[3] - 1.5 * a[1] * a[2] * a[3];
    };
    std::vector<double> exact(4, 0.0);
    for (int bits = 0; bits < 16; ++bits) {
      torch::Tensor m = torch::ones({T}, torch::kFloat64);
      double p = 1.0;
      for (int t = 0; t < 4; ++t) {
        const bool kept = (bits >> t) & 1;
        m[t] = kept ? 1.0 : 0.0;
        p *= kept ? s[t].item<double>() : 1.0 - s[t].item<double>();
      }
      const double r = reward(m);
      for (int t = 0; t < 4; ++t) {
        const double st = s[t].item<double>();
        exact[size_t(t)] += p * r * (m[t].item<double>() / st - (1.0 - m[t].item<double>()) / (1.0 - st));
      }
    }
    at::Generator gen = make_cpu_generator(4);
    const int draws = 20000, M = 8;
    torch::Tensor sum = torch::zeros({T}, torch::kFloat64);
    const torch::Tensor no_ema = torch::zeros({}, torch::kFloat64);
    for (int i = 0; i < draws; ++i) {
      const torch::Tensor masks = draw_masks(s, M, true, gen);
      std::vector<double> r;
      for (int64_t b = 0; b < M; ++b) r.push_back(reward(masks[b].to(torch::kFloat64).contiguous()));
      const torch::Tensor a = advantages(torch::tensor(r, torch::kFloat64), BaselineKind::LeaveOneOut, no_ema);
      sum += score_function_gradient(masks, s, a);
    }
    for (int t = 0; t < 4; ++t) {
      const double estimate = sum[t].item<double>() / draws;
      QVERIFY2(std::abs(estimate - exact[size_t(t)]) < 0.03 + 0.02 * std::abs(exact[size_t(t)]),
               qPrintable(QString("t=%1: %2 vs exact %3").arg(t).arg(estimate).arg(exact[size_t(t)])));
    }
  }

  void rolloutRunsStartInsideTheInitialBudgetAndResumeExactly_data() {
    QTest::addColumn<int>("reward");
    QTest::newRow("fidelity") << int(Reward::Fidelity);
    QTest::newRow("data") << int(Reward::Data);
  }
  void rolloutRunsStartInsideTheInitialBudgetAndResumeExactly() {
    QFETCH(int, reward);
    TrainConfig c = rollout_run(Reward(reward));
    EddpmTrainer straight(c, torch::kCPU);
    const std::vector<double> s0 = straight.mask_probabilities();
    QVERIFY(std::abs(std::accumulate(s0.begin(), s0.end(), 0.0) - 20.0) < 1e-9);  // 4K = 20 of 50 steps
    for (int i = 0; i < 40; ++i) straight.step();

    EddpmTrainer first(c, torch::kCPU);
    for (int i = 0; i < 25; ++i) first.step();
    QTemporaryDir dir;
    const std::string file = dir.filePath("checkpoint.pt").toStdString();
    save_checkpoint(first, file);
    auto resumed = resume_training(file, "cpu");
    for (int i = 25; i < 40; ++i) resumed->step();
    QCOMPARE(resumed->mask_probabilities(), straight.mask_probabilities());
    const std::vector<double> s = straight.mask_probabilities();
    QVERIFY(std::accumulate(s.begin(), s.end(), 0.0) <= 5.0 + 1e-9);  // the ramp reached K = 5
  }

  // --mask-start best-handcrafted: the search starts from the handcrafted family the reward scores
  // best on the first pool (its K steps at 1, the pinned last step kept), the rest of the initial
  // budget spread evenly over the other steps. With lr_s = 0 the start is all the run does.
  void searchStartsFromTheBestHandcraftedSchedule() {
    TrainConfig c = rollout_run(Reward::Fidelity);
    c.mask_start = MaskStart::BestHandcrafted;
    c.freeze_model = true;
    c.lr_s = 0.0;
    EddpmTrainer trainer(c, torch::kCPU);
    trainer.step();
    const int T = 50;
    const std::vector<std::vector<int>> candidates = pinned_families(trainer, c.seed);
    const torch::Tensor rewards = rewards_of(trainer, candidates);
    const std::vector<int>& best = candidates[size_t(rewards.argmin().item<int64_t>())];
    // Not a tie that any pick would pass: the best is strictly better than the worst.
    QVERIFY(rewards.min().item<double>() < rewards.max().item<double>());
    const std::vector<double> s = trainer.mask_probabilities();
    QCOMPARE(top_k_timesteps(s, int(best.size())), best);
    const double spare = (20.0 - double(best.size())) / double(T - int(best.size()));
    for (int t = 0; t < T; ++t) {
      const bool kept = std::find(best.begin(), best.end(), t) != best.end();
      QVERIFY2(std::abs(s[size_t(t)] - (kept ? 1.0 : spare)) < 1e-12, qPrintable(QString("t=%1: %2").arg(t).arg(s[size_t(t)])));
    }
  }

  // Steps other searches proposed (recommend passes the searches') join the families: a proposal
  // the reward scores better than every family is where the mask starts. The proposal is the best
  // of random 5-step sets on the same pool (the run's seed draws it).
  void searchStartsFromABetterProposal() {
    TrainConfig c = rollout_run(Reward::Fidelity);
    c.mask_start = MaskStart::BestHandcrafted;
    c.freeze_model = true;
    c.lr_s = 0.0;
    const int T = 50, K = 5;
    EddpmTrainer probe(c, torch::kCPU);
    probe.step();
    const double best_family = rewards_of(probe, pinned_families(probe, c.seed)).min().item<double>();
    at::Generator gen = make_cpu_generator(7);
    std::vector<std::vector<int>> random_sets;
    for (int i = 0; i < 256; ++i) {
      const torch::Tensor picked = torch::randperm(T - 1, gen, torch::kLong).slice(0, 0, K - 1);
      std::vector<int> steps{T - 1};
      for (int64_t j = 0; j < K - 1; ++j) steps.push_back(int(picked[j].item<int64_t>()));
      std::sort(steps.begin() + 1, steps.end(), std::greater<int>());
      random_sets.push_back(steps);
    }
    const torch::Tensor random_rewards = rewards_of(probe, random_sets);
    const std::vector<int>& proposal = random_sets[size_t(random_rewards.argmin().item<int64_t>())];
    QVERIFY(random_rewards.min().item<double>() < best_family);  // else the test shows nothing

    EddpmTrainer trainer(c, torch::kCPU);
    trainer.add_start_proposals({proposal});
    trainer.step();
    QCOMPARE(top_k_timesteps(trainer.mask_probabilities(), K), proposal);
  }
};

QTEST_GUILESS_MAIN(TestRolloutReward)
#include "test_rollout_reward.moc"
