// The setup panel's settings as a run's config: the defaults a start or a base schedule sets.

#include <QtTest>

#include "settings_conversion.h"
#include "fixtures.h"

using namespace eddpm;

namespace {

class TestSettingsConversion : public QObject {
  Q_OBJECT
 private slots:
  // Choosing a model to start from sets what `eddpm train --from` defaults to; a TorchScript file
  // becomes the run's frozen model.
  void startFromSetsTheCliDefaults() {
    widgets::TrainingSettings s;
    s.config.data = "mnist";
    s.config.model = "tiny";
    s.runDir = "/tmp/run";
    s.fromCheckpoint = "/models/ddpm/checkpoint.pt";
    widgets::TrainingSettings chosen = explorer::with_start_from_defaults(s);
    QCOMPARE(chosen.config.warmup, int64_t(0));
    QCOMPARE(chosen.config.semantics, Semantics::Paper);  // a model that keeps training keeps the defaults
    s.config.freeze_model = true;
    chosen = explorer::with_start_from_defaults(s);
    QCOMPARE(chosen.config.semantics, Semantics::Jump);
    QCOMPARE(chosen.config.reward, Reward::Data);
    s.fromCheckpoint = "eps_model.ts";
    s.config.freeze_model = false;
    s.config.model = "torchscript";
    chosen = explorer::with_start_from_defaults(s);
    QVERIFY(chosen.config.freeze_model);
    const TrainConfig c = explorer::to_train_config(chosen);
    QCOMPARE(QString::fromStdString(c.model), QString("torchscript"));
    QVERIFY(QString::fromStdString(c.model_file).endsWith("/eps_model.ts"));
    QVERIFY(c.freeze_model);
    QCOMPARE(c.semantics, Semantics::Jump);
    s.fromCheckpoint.clear();  // nothing chosen: nothing changes
    s.config.model = "tiny";
    QCOMPARE(explorer::with_start_from_defaults(s).config.warmup, s.config.warmup);
  }

  // Picking a base schedule sets the semantics `eddpm train` gives it (jump where a beta exceeds
  // 0.1), and the run pins its last step under paper semantics only, as the CLI does.
  void baseScheduleSetsTheCliSemantics() {
    widgets::TrainingSettings s;
    s.runDir = "/tmp/run";
    s.config.beta.kind = BetaKind::Cosine;
    widgets::TrainingSettings chosen = explorer::with_base_schedule_defaults(s);
    QCOMPARE(chosen.config.semantics, Semantics::Jump);
    QVERIFY(!explorer::to_train_config(chosen).pin_last);
    s.config.beta.kind = BetaKind::Quadratic;  // CSDI's range, to 0.5
    QCOMPARE(explorer::with_base_schedule_defaults(s).config.semantics, Semantics::Jump);
    s.config.beta.kind = BetaKind::Linear;
    s.config.semantics = Semantics::Jump;
    chosen = explorer::with_base_schedule_defaults(s);
    QCOMPARE(chosen.config.semantics, Semantics::Paper);
    QVERIFY(explorer::to_train_config(chosen).pin_last);
    s.config.freeze_model = true;  // a frozen model keeps the levels it was trained on
    s.fromCheckpoint = "/models/ddpm/checkpoint.pt";
    QCOMPARE(explorer::with_base_schedule_defaults(s).config.semantics, Semantics::Jump);
  }
};

}  // namespace

int run_settings_conversion_tests(int argc, char** argv) {
  TestSettingsConversion fixture;
  return QTest::qExec(&fixture, argc, argv);
}

#include "test_settings_conversion.moc"
