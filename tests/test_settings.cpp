// The settings table (core/settings/setting_table.h) and config.json, which is written and read
// through it.
#include <set>

#include <QtTest>

#include <nlohmann/json.hpp>

#include "setting_table.h"
#include "train_config.h"

using namespace eddpm;

class TestSettings : public QObject {
  Q_OBJECT

 private slots:
  // Run folders written before the table have exactly these keys; the table writes the same, and
  // those added since (solver, prediction; window, time_column for time series), whose absence
  // means what older runs ran.
  void configJsonKeepsItsKeys() {
    const nlohmann::json j = to_json(TrainConfig{});
    std::set<std::string> keys;
    for (const auto& item : j.items()) keys.insert(item.key());
    const std::set<std::string> expected{
        "data", "size", "channels", "model", "model_file", "T", "beta", "semantics", "keep", "loss_weight", "reward",
        "baseline", "ema_decay", "normalize_advantages", "per_example_masks", "pin_last", "budget_rule", "settle",
        "settle_to", "check_n", "mask_start", "weights_ema", "fused_mask_draw", "step_path", "sigma0", "iters", "warmup",
        "ramp_end", "batch", "lr", "lr_s", "grad_clip", "seed", "device", "freeze_model", "masks_per_iter",
        "initial_budget", "refresh_every", "pool", "log_every", "solver", "prediction", "window", "time_column"};
    QCOMPARE(keys, expected);
    QCOMPARE(j.at("beta").size(), size_t(3));
    QCOMPARE(j.at("beta").at("kind").get<std::string>(), std::string("linear"));
    QCOMPARE(j.at("warmup").get<int64_t>(), TrainConfig{}.warmup_iters());  // the iterations the run used
  }

  void configRoundTrips() {
    TrainConfig c;
    c.data = "rings";
    c.beta.T = 200;
    c.beta.kind = BetaKind::Cosine;
    c.beta.bT = 0.03;
    c.keep = 0.05;
    c.reward = Reward::Simple;
    c.baseline = BaselineKind::Ema;
    c.settle = false;
    c.settle_to = SettleTo::TopK;
    c.per_example_masks = false;
    c.lr_s = 0.25;
    c.seed = 12345678901234567890ull;
    c.check_n = 64;
    c.device = "cpu";
    const TrainConfig back = train_config_from_json(to_json(c));
    QCOMPARE(to_json(back).dump(), to_json(c).dump());
    QCOMPARE(back.seed, c.seed);
    QCOMPARE(back.beta.kind, BetaKind::Cosine);
  }

  // A run folder from before a setting existed ran as that setting's older behaviour.
  void absentKeysMeanWhatOlderRunsRan() {
    const TrainConfig points = train_config_from_json(nlohmann::json::object());
    QCOMPARE(points.budget_rule, BudgetRule::AtMost);
    QCOMPARE(points.settle, false);
    QCOMPARE(points.settle_to, SettleTo::TopK);
    QCOMPARE(points.mask_start, MaskStart::Even);
    QCOMPARE(points.weights_ema, 0.0);
    QCOMPARE(points.fused_mask_draw, false);
    QCOMPARE(points.check_n, int64_t(4000));
    QCOMPARE(points.lr_s, TrainConfig{}.lr_s);  // no older meaning: the default
    QCOMPARE(points.solver, SolverKind::Ddim);
    QCOMPARE(points.prediction, std::string("eps"));
    nlohmann::json images{{"data", "mnist"}, {"model", "tiny"}};
    QCOMPARE(train_config_from_json(images).check_n, int64_t(0));
  }

  void badValuesNameTheirSetting_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("named");
    QTest::newRow("negative rate") << R"({"lr_s": -1})" << "lr_s must be at least 0";
    QTest::newRow("keep 0") << R"({"keep": 0})" << "keep must be in (0, 1]";
    QTest::newRow("fractional batch") << R"({"batch": 1.5})" << "batch must be an integer";
    QTest::newRow("unknown reward") << R"({"reward": "best"})" << "unknown reward 'best' (simple, elbo, fidelity, data)";
    QTest::newRow("flag as a string") << R"({"settle": "yes"})" << "settle must be true or false";
    QTest::newRow("beta kind") << R"({"beta": {"kind": "sigmoid"}})" << "unknown beta 'sigmoid'";
    QTest::newRow("beta not an object") << R"({"beta": 3})" << "\"beta\" must be an object";
    QTest::newRow("check of one sample") << R"({"check_n": 1})" << "check_n must be at least 2";
    QTest::newRow("device") << R"({"device": "tpu"})" << "device must be auto, cpu or cuda";
    QTest::newRow("unknown solver") << R"({"solver": "dpm++"})" << "unknown solver 'dpm++' (ddim, euler";
    QTest::newRow("v on our own model") << R"({"prediction": "v"})" << "--prediction v is for TorchScript models";
  }
  void badValuesNameTheirSetting() {
    QFETCH(QString, text);
    QFETCH(QString, named);
    try {
      train_config_from_json(nlohmann::json::parse(text.toStdString()));
      QFAIL("accepted");
    } catch (const std::invalid_argument& e) {
      QVERIFY2(QString(e.what()).contains(named), e.what());
    }
  }

  void validateChecksEveryRow() {
    TrainConfig c;
    c.pool = 1;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, validate(c));
    c.pool = 2;
    validate(c);
    c.keep = 1.5;
    QCOMPARE(settings_problem(c), std::string("keep must be in (0, 1]"));
  }

  // One name: the flag is the name with '-' for '_'; names are unique; the defaults pass their
  // own rows; the settings a run may change while it trains are the mask's rate and the steps kept.
  void eachSettingHasOneName() {
    std::set<std::string> names;
    std::set<std::string> live;
    for (const Setting& s : training_settings()) {
      QVERIFY2(names.insert(s.name).second, s.name.c_str());
      QVERIFY2(s.problem(s.default_value()).empty(), s.name.c_str());
      QVERIFY2(!s.help.empty() && !s.label.empty(), s.name.c_str());
      if (s.live) live.insert(s.name);
    }
    QCOMPARE(find_setting("lr_s")->flag(), std::string("--lr-s"));
    QCOMPARE(find_setting("T")->flag(), std::string("--T"));
    QVERIFY(find_setting("lrS") == nullptr);
    QCOMPARE(live, (std::set<std::string>{"keep", "lr_s"}));
  }
};

QTEST_GUILESS_MAIN(TestSettings)
#include "test_settings.moc"
