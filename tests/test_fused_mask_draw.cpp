#include <torch/torch.h>

#include <QtTest>

#include <cmath>
#include <filesystem>

#include <QTemporaryDir>

#include <ATen/Parallel.h>

#include "checkpoint.h"
#include "training_checkpoint.h"
#include "eddpm_trainer.h"
#include "fused_mask_draw.h"
#include "mask_gradient.h"
#include "rng.h"

using namespace eddpm;

namespace {
const NoiseSchedule kNoise({BetaKind::Linear, 50, 1e-4, 0.2});

// Keep probabilities with every kind of value: never, rarely, even, nearly always, always.
torch::Tensor mixed_probabilities() {
  torch::Tensor s = torch::rand({kNoise.T()}, make_cpu_generator(5), torch::kFloat64);
  s[3] = 0.0;
  s[7] = 1.0;
  s[11] = 0.02;
  s[19] = 0.98;
  return s;
}

// The same scaled so every step is unlikely (below 1/64, where steps are visited by jumps), and
// with two likely steps too far apart to be swept (`scattered`: drawn one by one).
torch::Tensor scaled_probabilities(double scale, bool scattered) {
  torch::Tensor s = mixed_probabilities() * scale;
  if (scattered) {
    s[2] = 0.3;
    s[45] = 0.6;
  }
  s[3] = 0.0;
  s[7] = 1.0;
  return s;
}

torch::Tensor table(const std::vector<double>& v) { return torch::tensor(v, torch::kFloat64); }

// Mask search on a frozen model (the pretrained-model workflow): without the model's own training
// noise, the search has one answer for a given budget, which either draw must find.
TrainConfig mask_search(bool fused, uint64_t seed) {
  TrainConfig c;
  c.beta = {BetaKind::Linear, 100, 1e-4, 0.05};
  c.keep = 0.1;
  c.semantics = Semantics::Jump;
  c.reward = Reward::Elbo;
  c.freeze_model = true;
  c.iters = 1500;
  c.warmup = 0;
  c.ramp_end = 1000;
  c.batch = 256;
  c.lr_s = 0.3;
  c.device = "cpu";
  c.seed = seed;
  c.fused_mask_draw = fused;
  return c;
}

struct RunTrace {
  std::vector<double> losses;  // mean loss of each 100-iteration window
  std::vector<double> rewards;
  TrainSnapshot last;
};

RunTrace search(const TrainConfig& c, const std::filesystem::path& pretrained) {
  EddpmTrainer trainer(c, torch::kCPU);
  copy_model_weights(pretrained, trainer);
  RunTrace trace;
  while (trainer.iteration() < c.iters) {
    for (int i = 0; i < 100; ++i) trainer.step();
    trace.last = trainer.take_snapshot();
    trace.losses.push_back(trace.last.loss);
    trace.rewards.push_back(trace.last.reward);
  }
  return trace;
}

double mean_of_last(const std::vector<double>& v, size_t n) {
  double sum = 0.0;
  for (size_t i = v.size() - n; i < v.size(); ++i) sum += v[i];
  return sum / double(n);
}
}  // namespace

class TestFusedMaskDraw : public QObject {
  Q_OBJECT
 private slots:
  // Given the masks and steps it drew, every level is the one the tensor reference computes.
  void levelsAreTheReferenceLevelsOfTheDrawnMasks_data() {
    QTest::addColumn<int>("semantics");
    QTest::addColumn<bool>("pin_last");
    QTest::addColumn<double>("scale");
    QTest::addColumn<bool>("scattered");
    QTest::newRow("paper, pinned") << int(Semantics::Paper) << true << 1.0 << false;
    QTest::newRow("jump, pinned") << int(Semantics::Jump) << true << 1.0 << false;
    QTest::newRow("paper, unpinned") << int(Semantics::Paper) << false << 1.0 << false;
    QTest::newRow("jump, swept and jumped") << int(Semantics::Jump) << true << 0.1 << false;
    QTest::newRow("paper, scattered") << int(Semantics::Paper) << true << 0.015 << true;
  }
  void levelsAreTheReferenceLevelsOfTheDrawnMasks() {
    QFETCH(int, semantics);
    QFETCH(bool, pin_last);
    QFETCH(double, scale);
    QFETCH(bool, scattered);
    at::Generator gen = make_cpu_generator(1);
    const torch::Tensor s = scaled_probabilities(scale, scattered);
    const MaskDraw draw = draw_masks_fused(s, 512, pin_last, kNoise, Semantics(semantics), gen);
    const torch::Tensor levels = levels_under_masks(draw.masks, table(kNoise.betas()), table(kNoise.alpha_bars()),
                                                    Semantics(semantics));
    const KeptLevels expected = kept_levels_at(draw.masks, levels, draw.at.t);
    QVERIFY(draw.masks.gather(1, draw.at.t.unsqueeze(1)).eq(1.0).all().item<bool>());
    QVERIFY(torch::allclose(draw.at.level_t, expected.level_t, 1e-12, 1e-14));
    QVERIFY(torch::allclose(draw.at.level_top, expected.level_top, 1e-12, 1e-14));
    QVERIFY(torch::equal(draw.at.has_prev, expected.has_prev));
    const torch::Tensor with_prev = expected.has_prev;
    QVERIFY(torch::allclose(draw.at.level_prev.index({with_prev}), expected.level_prev.index({with_prev}), 1e-12, 1e-14));
    QVERIFY(torch::equal(draw.at.kept, expected.kept));
    QCOMPARE(draw.masks.scalar_type(), torch::kByte);
    QVERIFY(draw.at.has_prev.any().item<bool>() && !draw.at.has_prev.all().item<bool>());
    if (pin_last) QVERIFY(draw.masks.select(1, kNoise.T() - 1).eq(1.0).all().item<bool>());
  }

  // Column means are the keep probabilities (5 standard errors); 0 and 1 are exact. Each way of
  // drawing a step is used: the sweep of 16-bit draws over the span of the likely steps (mixed),
  // geometric jumps over the unlikely ones (sparse: all below 1/64), and 32-bit draws one by one
  // where likely steps lie too far apart for a sweep (scattered).
  void stepsAreKeptWithTheirProbabilities_data() {
    QTest::addColumn<double>("scale");
    QTest::addColumn<bool>("scattered");
    QTest::newRow("mixed") << 1.0 << false;
    QTest::newRow("sparse") << 0.015 << false;
    QTest::newRow("scattered") << 0.015 << true;
  }
  void stepsAreKeptWithTheirProbabilities() {
    QFETCH(double, scale);
    QFETCH(bool, scattered);
    const int64_t rows = 40000;
    const torch::Tensor s = scaled_probabilities(scale, scattered);
    at::Generator gen = make_cpu_generator(2);
    const MaskDraw draw = draw_masks_fused(s, rows, false, kNoise, Semantics::Paper, gen);
    const torch::Tensor freq = draw.masks.to(torch::kFloat64).mean(0);
    for (int t = 0; t < kNoise.T(); ++t) {
      const double p = s[t].item<double>(), f = freq[t].item<double>();
      const double se = std::sqrt(p * (1.0 - p) / rows);
      QVERIFY2(std::abs(f - p) <= 5.0 * se, qPrintable(QString("t=%1: %2 vs %3").arg(t).arg(f).arg(p)));
    }
    QCOMPARE(freq[3].item<double>(), 0.0);
    QCOMPARE(freq[7].item<double>(), 1.0);
  }

  // Each kept step of a row is its training step with probability 1/k: the count of rows that train
  // at step j matches sum_b m_bj / k_b within 5 standard deviations.
  void trainingStepIsUniformAmongTheKeptSteps() {
    const int64_t rows = 40000;
    at::Generator gen = make_cpu_generator(3);
    const MaskDraw draw = draw_masks_fused(mixed_probabilities(), rows, true, kNoise, Semantics::Jump, gen);
    const torch::Tensor expected = (draw.masks / draw.at.kept.unsqueeze(1)).sum(0);
    const torch::Tensor observed = torch::bincount(draw.at.t, {}, kNoise.T()).to(torch::kFloat64);
    for (int t = 0; t < kNoise.T(); ++t) {
      const double e = expected[t].item<double>(), o = observed[t].item<double>();
      QVERIFY2(std::abs(o - e) <= 5.0 * std::sqrt(e) + 1e-9, qPrintable(QString("t=%1: %2 vs %3").arg(t).arg(o).arg(e)));
    }
  }

  void unpinnedRowsNeverComeOutEmpty() {
    at::Generator gen = make_cpu_generator(4);
    const MaskDraw rare = draw_masks_fused(torch::full({kNoise.T()}, 0.005, torch::kFloat64), 5000, false, kNoise,
                                           Semantics::Paper, gen);
    QVERIFY(rare.masks.sum(1).ge(1.0).all().item<bool>());
    QVERIFY(torch::equal(rare.masks.sum(1).to(torch::kFloat64), rare.at.kept));
    torch::Tensor none = torch::zeros({kNoise.T()}, torch::kFloat64);
    none[17] = 1e-9;  // the most probable step is the one kept when nothing else is
    const MaskDraw fallback = draw_masks_fused(none, 8, false, kNoise, Semantics::Paper, gen);
    QVERIFY(fallback.at.t.eq(17).all().item<bool>());
    QVERIFY(fallback.at.kept.eq(1.0).all().item<bool>());
  }

  // Rows draw from their own streams: the thread count changes nothing, and the generator's state
  // (what a checkpoint saves) reproduces a draw.
  void drawDependsOnTheGeneratorStateOnly() {
    const torch::Tensor s = mixed_probabilities();
    const int threads = at::get_num_threads();
    at::Generator gen = make_cpu_generator(6);
    const torch::Tensor state = generator_state(gen);
    at::set_num_threads(1);
    const MaskDraw one = draw_masks_fused(s, 700, true, kNoise, Semantics::Paper, gen);
    at::set_num_threads(std::max(2, threads));
    set_generator_state(gen, state);
    const MaskDraw many = draw_masks_fused(s, 700, true, kNoise, Semantics::Paper, gen);
    const MaskDraw next = draw_masks_fused(s, 700, true, kNoise, Semantics::Paper, gen);
    at::set_num_threads(threads);
    QVERIFY(torch::equal(one.masks, many.masks));
    QVERIFY(torch::equal(one.at.t, many.at.t));
    QVERIFY(!torch::equal(many.masks, next.masks));
  }

  // The host gradient reads the uint8 masks directly: the same numbers as the tensor gradient of
  // float64 masks.
  // Dense and mostly-zero masks (summed by their ones only) alike.
  void byteMasksGiveTheFloatMasksGradient_data() {
    QTest::addColumn<double>("scale");
    QTest::newRow("dense") << 1.0;
    QTest::newRow("sparse") << 0.015;
  }
  void byteMasksGiveTheFloatMasksGradient() {
    QFETCH(double, scale);
    at::Generator gen = make_cpu_generator(8);
    const torch::Tensor s = scaled_probabilities(scale, false);
    const MaskDraw draw = draw_masks_fused(s, 300, true, kNoise, Semantics::Paper, gen);
    const torch::Tensor adv = torch::randn({300}, gen, torch::kFloat64);
    const torch::Tensor from_bytes = score_function_gradient_on_host(draw.masks, s, adv);
    const torch::Tensor from_floats = score_function_gradient(draw.masks.to(torch::kFloat64), s, adv);
    QVERIFY(torch::allclose(from_bytes, from_floats, 1e-12, 1e-12));
  }

  void aBufferOfTheRightShapeIsReused() {
    at::Generator gen = make_cpu_generator(7);
    const MaskDraw first = draw_masks_fused(mixed_probabilities(), 64, true, kNoise, Semantics::Paper, gen);
    const MaskDraw second = draw_masks_fused(mixed_probabilities(), 64, true, kNoise, Semantics::Paper, gen, first.masks);
    QCOMPARE(second.masks.data_ptr(), first.masks.data_ptr());
    const MaskDraw other = draw_masks_fused(mixed_probabilities(), 32, true, kNoise, Semantics::Paper, gen, first.masks);
    QVERIFY(other.masks.data_ptr() != first.masks.data_ptr());
    QCOMPARE(other.masks.size(0), int64_t(32));
  }

  // The fast path trains like the reference path on the same seed: other random numbers (the
  // curves are not identical), and what the masks achieve (their reward, the ELBO, and the loss at
  // their steps, over the last 1000 iterations) as close to the reference as the reference on
  // another seed is to itself: "within noise", with the noise measured in the same test.
  // The ELBO is flat across many 10-step masks, so the learned mask itself moves with the seed.
  void fusedTrainingMatchesTheReferenceWithinNoise() {
    QTemporaryDir dir;
    const std::filesystem::path pretrained = dir.filePath("pretrained.pt").toStdString();
    {
      TrainConfig c = mask_search(false, 0);
      c.freeze_model = false;
      c.iters = c.warmup = c.ramp_end = 1500;  // plain DDPM training: the mask stays full
      EddpmTrainer trainer(c, torch::kCPU);
      for (int i = 0; i < c.iters; ++i) trainer.step();
      save_checkpoint(trainer, pretrained);
    }
    const RunTrace fused = search(mask_search(true, 0), pretrained);
    const RunTrace plain = search(mask_search(false, 0), pretrained);
    const RunTrace other_seed = search(mask_search(false, 1), pretrained);
    const RunTrace third_seed = search(mask_search(false, 2), pretrained);
    QVERIFY(fused.losses != plain.losses);
    QCOMPARE(fused.losses.size(), plain.losses.size());
    // |fused - reference| within three times the larger of |reference on seed 1 or 2 - reference|,
    // or 2% where the reference's seeds happen to land closer than that. One other seed was too
    // few: on an AMD EPYC the fused reward was 6.4% off while seeds 0 and 1 landed 1.6% apart (on an
    // Intel Xeon: 3.1% against 5.5%).
    auto check = [](const char* what, double fast, double reference, double other, double third) {
      const double gap = std::abs(fast / reference - 1.0);
      const double noise = std::max(std::abs(other / reference - 1.0), std::abs(third / reference - 1.0));
      qInfo("%s: fused/reference %.4f, seeds 1 and 2 of the reference against seed 0: %.4f, %.4f", what,
            fast / reference, other / reference, third / reference);
      QVERIFY2(gap <= std::max(3.0 * noise, 0.02),
               qPrintable(QString("%1: fused off by %2, the reference's seeds by up to %3").arg(what).arg(gap).arg(noise)));
    };
    check("reward", mean_of_last(fused.rewards, 10), mean_of_last(plain.rewards, 10), mean_of_last(other_seed.rewards, 10),
          mean_of_last(third_seed.rewards, 10));
    if (QTest::currentTestFailed()) return;
    check("loss", mean_of_last(fused.losses, 10), mean_of_last(plain.losses, 10), mean_of_last(other_seed.losses, 10),
          mean_of_last(third_seed.losses, 10));
    if (QTest::currentTestFailed()) return;
    const int fewest = std::min(plain.last.stats.kept_over_half, other_seed.last.stats.kept_over_half);
    for (const RunTrace* run : {&fused, &plain, &other_seed}) {
      QCOMPARE(int(run->last.learned.size()), 10);
      QCOMPARE(run->last.learned.front(), 99);
      QVERIFY(run->last.stats.sum <= 10.0 + 1e-9);
      qInfo("steps above one half: %d", run->last.stats.kept_over_half);
    }
    // Settled as far as the reference settles (here it ended with 6 and 11 steps above one half,
    // the fast path with 10).
    QVERIFY2(fused.last.stats.kept_over_half >= fewest - 1,
             qPrintable(QString("fused %1, reference %2").arg(fused.last.stats.kept_over_half).arg(fewest)));
  }
};

QTEST_GUILESS_MAIN(TestFusedMaskDraw)
#include "test_fused_mask_draw.moc"
