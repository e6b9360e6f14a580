#include <torch/torch.h>

#include <QtTest>

#include "mask_gradient.h"
#include "mask_update.h"
#include "rng.h"

using namespace eddpm;

namespace {
// R(m) for every mask of the first 4 steps (the 5th is pinned): an arbitrary fixed table.
const std::vector<double> kTable = {0.3, 1.2, -0.4, 2.0, 0.9, 0.1, 1.7, -1.1, 0.5, 0.8, -0.2, 1.4, 0.0, 2.2, 0.6, -0.7};

torch::Tensor rewards_of(const torch::Tensor& masks) {
  const torch::Tensor bits = torch::tensor({1.0, 2.0, 4.0, 8.0}, torch::kFloat64);
  const torch::Tensor index = masks.slice(1, 0, 4).matmul(bits).round().to(torch::kLong);
  return torch::tensor(kTable, torch::kFloat64).index_select(0, index);
}
}  // namespace

class TestMaskGradient : public QObject {
  Q_OBJECT
 private slots:
  // E over masks of the score-function estimate equals d E[R] / d s, computed by enumeration.
  void reinforceIsUnbiased() {
    const std::vector<double> probs = {0.3, 0.55, 0.7, 0.2, 1.0};
    const torch::Tensor s = torch::tensor(probs, torch::kFloat64);
    std::vector<double> exact(4, 0.0);
    for (int index = 0; index < 16; ++index) {
      double p = 1.0;
      for (int t = 0; t < 4; ++t) p *= ((index >> t) & 1) ? probs[t] : 1 - probs[t];
      const double r = kTable[index];
      for (int t = 0; t < 4; ++t) {
        const bool on = (index >> t) & 1;
        exact[t] += r * p * (on ? 1 / probs[t] : -1 / (1 - probs[t]));
      }
    }
    at::Generator gen = make_cpu_generator(11);
    constexpr int rows = 20000, repeats = 10;
    for (BaselineKind baseline : {BaselineKind::None, BaselineKind::LeaveOneOut}) {
      torch::Tensor sum = torch::zeros({5}, torch::kFloat64);
      for (int rep = 0; rep < repeats; ++rep) {
        const torch::Tensor masks = draw_masks(s, rows, true, gen);
        QVERIFY(masks.select(1, 4).min().item<double>() == 1.0);
        const torch::Tensor adv = advantages(rewards_of(masks), baseline, torch::zeros({}, torch::kFloat64));
        sum += score_function_gradient(masks, s, adv);
      }
      const torch::Tensor estimate = sum / repeats;
      for (int t = 0; t < 4; ++t) {
        const double e = estimate[t].item<double>();
        QVERIFY2(std::abs(e - exact[t]) < 0.06, qPrintable(QString("t=%1: %2 vs exact %3").arg(t).arg(e).arg(exact[t])));
      }
    }
  }

  void leaveOneOutBaselineIsMeanOfOthers() {
    const torch::Tensor r = torch::tensor({1.0, 2.0, 6.0}, torch::kFloat64);
    const torch::Tensor a = advantages(r, BaselineKind::LeaveOneOut, torch::zeros({}, torch::kFloat64));
    QVERIFY(torch::allclose(a, torch::tensor({1.0 - 4.0, 2.0 - 3.5, 6.0 - 1.5}, torch::kFloat64)));
    const torch::Tensor e = advantages(r, BaselineKind::Ema, torch::full({}, 2.0, torch::kFloat64));
    QVERIFY(torch::allclose(e, torch::tensor({-1.0, 0.0, 4.0}, torch::kFloat64)));
    // The host loop gives the tensor operations' values.
    const torch::Tensor many = torch::rand({257}, make_cpu_generator(3), torch::kFloat64);
    const torch::Tensor by_loop = advantages_on_host(many, BaselineKind::LeaveOneOut, 0.0);
    const torch::Tensor by_ops = advantages(many, BaselineKind::LeaveOneOut, torch::zeros({}, torch::kFloat64));
    QVERIFY(torch::allclose(by_loop, by_ops, 1e-14, 1e-14));
    QVERIFY(torch::equal(by_loop, many - (many.sum() - many) / 256.0));
    QVERIFY(torch::equal(advantages_on_host(r, BaselineKind::Ema, 2.0), e));
    QVERIFY(torch::equal(advantages_on_host(r, BaselineKind::None, 2.0), r));
  }

  // The mask update's two implementations (mask_update.h): the CPU step's arrays and the device
  // step's tensors give the same mask, with and without pinning, under both budget rules, settling
  // toward s's own top K or a target, from one mask's reward or many.
  void hostAndTensorMaskUpdatesAgree_data() {
    QTest::addColumn<bool>("pin_last");
    QTest::addColumn<int>("budget_rule");
    QTest::addColumn<int>("baseline");
    QTest::addColumn<int>("rows");
    QTest::addColumn<bool>("to_target");
    QTest::addColumn<bool>("learns");
    QTest::newRow("pinned, at most, leave-one-out") << true << int(BudgetRule::AtMost) << int(BaselineKind::LeaveOneOut) << 64 << false << true;
    QTest::newRow("pinned, exact, to a target") << true << int(BudgetRule::Exact) << int(BaselineKind::LeaveOneOut) << 64 << true << true;
    QTest::newRow("unpinned, exact, ema") << false << int(BudgetRule::Exact) << int(BaselineKind::Ema) << 32 << false << true;
    QTest::newRow("unpinned, at most, one mask") << false << int(BudgetRule::AtMost) << int(BaselineKind::LeaveOneOut) << 1 << true << true;
    QTest::newRow("no baseline, byte masks") << true << int(BudgetRule::AtMost) << int(BaselineKind::None) << 48 << false << true;
    QTest::newRow("warm-up: s stays") << true << int(BudgetRule::Exact) << int(BaselineKind::LeaveOneOut) << 16 << false << false;
  }
  void hostAndTensorMaskUpdatesAgree() {
    QFETCH(bool, pin_last);
    QFETCH(int, budget_rule);
    QFETCH(int, baseline);
    QFETCH(int, rows);
    QFETCH(bool, to_target);
    QFETCH(bool, learns);
    const int T = 40;
    at::Generator gen = make_cpu_generator(11);
    torch::Tensor s = torch::rand({T}, gen, torch::kFloat64) * 0.6 + 0.2;
    if (pin_last) s[T - 1] = 1.0;
    torch::Tensor masks = draw_masks(s, rows, pin_last, gen);
    if (baseline == int(BaselineKind::None)) masks = masks.to(torch::kByte);
    const torch::Tensor rewards = torch::rand({rows}, gen, torch::kFloat64);
    MaskUpdateRule rule;
    rule.K = 5;
    rule.pin_last = pin_last;
    rule.budget_rule = BudgetRule(budget_rule);
    rule.baseline = BaselineKind(baseline);
    rule.normalize_advantages = true;
    rule.settle = true;
    MaskUpdateValues values;
    values.lr_s = 0.05;
    values.budget = 9.5;
    values.learns = learns;
    values.settle_rate = 0.25;
    values.to_target = to_target;
    const std::vector<int> target{T - 1, 30, 17, 8, 2};
    torch::Tensor indicator = torch::zeros({T}, torch::kFloat64);
    for (int t : target) indicator[t] = 1.0;
    const double ema = 0.4;
    const auto array = mask_value_array(values);
    const torch::Tensor by_tensors =
        update_mask(rule, s, masks, rewards, torch::full({}, ema, torch::kFloat64),
                    torch::tensor(std::vector<double>(array.begin(), array.end()), torch::kFloat64), indicator);
    torch::Tensor by_arrays = s.clone();
    update_mask_on_host(rule, by_arrays, masks, rewards, ema, values, target);
    QVERIFY2(torch::allclose(by_arrays, by_tensors, 1e-12, 1e-12),
             qPrintable(QString("largest difference %1").arg((by_arrays - by_tensors).abs().max().item<double>())));
    QCOMPARE(torch::equal(by_arrays, s), !learns);
    if (pin_last) QCOMPARE(by_arrays[T - 1].item<double>(), 1.0);
  }

  void timestepsAreDrawnOnlyAmongKeptSteps() {
    at::Generator gen = make_cpu_generator(5);
    torch::Tensor masks = torch::zeros({4000, 10}, torch::kFloat64);
    masks.index_put_({torch::indexing::Slice(), 2}, 1.0);
    masks.index_put_({torch::indexing::Slice(), 7}, 1.0);
    const torch::Tensor t = pick_kept_timesteps(masks, gen);
    QVERIFY(((t == 2) | (t == 7)).all().item<bool>());
    const double share = (t == 7).to(torch::kFloat64).mean().item<double>();
    QVERIFY(std::abs(share - 0.5) < 0.04);
  }

  // Same generator state in, same steps and same state out as torch::multinomial: runs made
  // before the pick stopped calling it resume on the same random stream.
  void pickDrawsWhatMultinomialDraws() {
    at::Generator gen = make_cpu_generator(11);
    const torch::Tensor masks = draw_masks(torch::rand({300}, gen, torch::kFloat64), 512, true, gen);
    at::Generator twin = make_cpu_generator(0);
    set_generator_state(twin, generator_state(gen));
    const torch::Tensor ours = pick_kept_timesteps(masks, gen);
    const torch::Tensor reference = torch::multinomial(masks, 1, false, twin).squeeze(1);
    QVERIFY(torch::equal(ours, reference));
    QVERIFY(torch::equal(generator_state(gen), generator_state(twin)));
  }

  void unpinnedMasksAreNeverEmpty() {
    at::Generator gen = make_cpu_generator(9);
    const torch::Tensor masks = draw_masks(torch::full({6}, 0.05, torch::kFloat64), 5000, false, gen);
    QVERIFY((masks.sum(1) >= 1).all().item<bool>());
  }

  // One kept step above a data point: the ELBO terms in closed form.
  void elboTermsMatchClosedForm() {
    const std::vector<double> a = {0.99, 0.9, 0.5, 0.1};
    const torch::Tensor levels = torch::tensor(a, torch::kFloat64).unsqueeze(0);
    const torch::Tensor masks = torch::tensor({0.0, 1.0, 0.0, 1.0}, torch::kFloat64).unsqueeze(0);
    const torch::Tensor x0 = torch::tensor({0.5, -1.0}, torch::kFloat32).unsqueeze(0);
    const double sigma0 = 0.3;
    auto snr = [](double v) { return v / (1 - v); };
    // t = 3 jumps down to the kept step 1.
    ElboTerms top = elbo_terms(masks, levels, torch::tensor({3L}), x0, sigma0);
    QVERIFY(std::abs(top.jump_weight.item<double>() - 2 * 0.5 * (snr(0.9) / snr(0.1) - 1)) < 1e-9);
    const double prior = 0.5 * ((0.1 * 0.25 + 0.1 * 1.0) / 2 + 0.9 - 1 - std::log(0.9));
    QVERIFY(std::abs(top.prior.item<double>() - prior) < 1e-9);
    // t = 1 jumps to the data: SNR_0 = 1/sigma0^2.
    ElboTerms bottom = elbo_terms(masks, levels, torch::tensor({1L}), x0, sigma0);
    QVERIFY(std::abs(bottom.jump_weight.item<double>() - 2 * 0.5 * (1 / (sigma0 * sigma0) / snr(0.9) - 1)) < 1e-9);
  }
};

QTEST_GUILESS_MAIN(TestMaskGradient)
#include "test_mask_gradient.moc"
