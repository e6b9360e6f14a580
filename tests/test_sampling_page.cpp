// The Sample & compare page as a user drives it: load, preview, sample, compare, sweep, cancel, export.
#include "explorer_test_runs.h"

#include <atomic>

#include <QtTest>

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPushButton>
#include <QTableWidget>
#include <QTemporaryDir>

#include "explorer_types.h"
#include "png_file.h"
#include "sampler.h"
#include "sampling_page.h"
#include "sampling_service.h"
#include "schedule_file.h"
#include "schedule_strip.h"

using namespace eddpm;
using namespace eddpm::test;

// The Sample & compare page on a trained run that this fixture makes once and no test changes;
// each test writes its exports to its own folder.
class TestSamplingPage : public QObject {
  Q_OBJECT
  QTemporaryDir runs_;
  QString checkpoint_;
  std::unique_ptr<QTemporaryDir> dir_;
  QString path(const QString& name) const { return dir_->filePath(name); }

 private slots:
  void initTestCase() {
    explorer::registerExplorerTypes();
    train_run(runs_.filePath("trained"), 600);
    checkpoint_ = runs_.filePath("trained/checkpoint.pt");
  }

  void init() { dir_ = std::make_unique<QTemporaryDir>(); }
  void cleanup() { dir_.reset(); }

  void everyScheduleKindPreviews() {
    explorer::SamplingPage page;
    QSignalSpy loaded(&page, &explorer::SamplingPage::checkpointLoaded);
    page.setCheckpoint(checkpoint_);
    QVERIFY(loaded.wait(30000));
    QSignalSpy preview(&page, &explorer::SamplingPage::previewReady);
    page.setManualSteps({49, 25, 3});
    for (const QString& kind : {"learned", "manual", "uniform", "trailing", "linspace", "quadratic", "logsnr", "karras",
                                "kl-optimal", "elbo-dp"}) {
      preview.clear();
      page.setChecked({kind});
      QVERIFY2(preview.wait(30000), qPrintable(kind));
      QCOMPARE(page.strip()->schedules().size(), 1);
      QVERIFY2(!page.strip()->schedules().front().timesteps.isEmpty(), qPrintable(kind));
      QVERIFY2(page.strip()->schedules().front().timesteps.size() <= 10, qPrintable(kind));
    }
  }

  void manualStepsToggleByClicking() {
    explorer::SamplingPage page;
    page.resize(1200, 800);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    QSignalSpy loaded(&page, &explorer::SamplingPage::checkpointLoaded);
    page.setCheckpoint(checkpoint_);
    QVERIFY(loaded.wait(30000));
    QSignalSpy preview(&page, &explorer::SamplingPage::previewReady);
    page.setChecked({"manual"});
    page.setManualSteps({49, 10});
    QTRY_VERIFY_WITH_TIMEOUT(!page.busy() && page.strip()->schedules().value(0).timesteps == QVector<int>({49, 10}), 30000);
    QTest::mouseClick(page.strip(), Qt::LeftButton, {}, page.strip()->positionOf(30));
    QTRY_VERIFY_WITH_TIMEOUT(!page.busy() && page.strip()->schedules().value(0).timesteps == QVector<int>({49, 30, 10}), 30000);
  }

  void compareThreeSchedulesAndExport() {
    explorer::SamplingPage page;
    QSignalSpy loaded(&page, &explorer::SamplingPage::checkpointLoaded);
    page.setCheckpoint(checkpoint_);
    QVERIFY(loaded.wait(30000));
    QSignalSpy preview(&page, &explorer::SamplingPage::previewReady);
    page.setChecked({"learned", "uniform", "karras"});
    QVERIFY(preview.wait(30000));
    QSignalSpy sampled(&page, &explorer::SamplingPage::samplesReady);
    page.requestSample();
    QVERIFY(sampled.wait(60000));
    QCOMPARE(page.outcomes().size(), 3);
    QCOMPARE(page.table()->rowCount(), 3);
    for (const auto& o : page.outcomes()) {
      QVERIFY2(o.error.isEmpty(), qPrintable(o.error));
      QCOMPARE(o.points.size(), 2 * 2000);
      QVERIFY(o.swd > 0);
      QVERIFY(o.fidelitySwd > 0);  // a few steps never reproduce the full chain's set
    }
    QCOMPARE(page.table()->horizontalHeaderItem(5)->text(), QString("fidelity SWD"));
    QCOMPARE(page.table()->item(0, 5)->text().toDouble(), std::round(page.outcomes()[0].fidelitySwd * 1e4) / 1e4);

    QString error;
    const std::string json = path("learned.json").toStdString();
    QVERIFY(page.saveSchedule(0, QString::fromStdString(json), &error));
    const ScheduleFile file = load_schedule_json(json);
    QCOMPARE(QVector<int>(file.timesteps.begin(), file.timesteps.end()), page.outcomes()[0].schedule.timesteps);
    QVERIFY(page.saveSchedule(1, path("uniform.csv"), &error));
    QFile csv(path("uniform.csv"));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    QCOMPARE(QString(csv.readAll()).trimmed().split('\n').size(), page.outcomes()[1].schedule.timesteps.size() + 1);

    QVERIFY(page.saveSamples(2, path("karras.png"), &error));
    const auto text = read_png_text(path("karras.png").toStdString());
    QVERIFY(QString::fromStdString(text.at("parameters")).startsWith("schedule: karras ["));
    QVERIFY(page.saveSamples(2, path("karras.csv"), &error));

    QVERIFY(page.saveComparison(path("compare.json"), &error));
    QFile report(path("compare.json"));
    QVERIFY(report.open(QIODevice::ReadOnly));
    const QJsonArray rows = QJsonDocument::fromJson(report.readAll()).array();
    QCOMPARE(rows.size(), 3);
    QCOMPARE(rows[2].toObject()["schedule"].toString(), QString("karras"));
    QVERIFY(QFileInfo(path("compare.png")).size() > 1000);

    QSignalSpy swept(&page, &explorer::SamplingPage::sweepReady);
    page.requestSweep();
    QVERIFY(swept.wait(60000));
  }

  // The service's sampling and sweeps stop at once when the cancel flag is set.
  void samplingAndSweepsStopWhenCancelled() {
    explorer::SamplingService service;
    std::atomic<bool> cancel{false};
    service.setCancelFlag(&cancel);
    QString error;
    QVERIFY2(service.load(checkpoint_, &error), qPrintable(error));
    QCOMPARE(service.sweep({"uniform"}, {2, 5}, 100, 1).size(), 2);
    cancel = true;
    // A load that finishes after its cancellation keeps the model there was.
    QVERIFY(!service.load(checkpoint_, &error));
    QVERIFY(service.loaded());
    QVERIFY_THROWS_EXCEPTION(Cancelled, service.sweep({"uniform", "karras"}, {2, 5, 10}, 100, 1));
    QVERIFY_THROWS_EXCEPTION(Cancelled, service.sample({{"uniform", 5, {}, {}}}, 100, 0.0, 1));
  }

  // Closing the page while a sweep runs cancels it: the page goes at the sweep's next step.
  void closingDuringASweepCancelsIt() {
    auto page = std::make_unique<explorer::SamplingPage>();
    QSignalSpy loaded(page.get(), &explorer::SamplingPage::checkpointLoaded);
    page->setCheckpoint(checkpoint_);
    QVERIFY(loaded.wait(30000));
    QSignalSpy preview(page.get(), &explorer::SamplingPage::previewReady);
    page->setChecked({"uniform", "karras", "trailing", "quadratic"});
    QVERIFY(preview.wait(30000));
    page->requestSweep();
    QVERIFY(page->busy());
    QVERIFY(page->cancelButton()->isEnabled());
    page.reset();
  }

  void badCheckpointIsReportedNotFatal() {
    explorer::SamplingPage page;
    QFile junk(path("junk.pt"));
    QVERIFY(junk.open(QIODevice::WriteOnly));
    junk.write("junk");
    junk.close();
    QSignalSpy failed(&page, &explorer::SamplingPage::failed);
    page.setCheckpoint(path("junk.pt"));
    QVERIFY(failed.wait(30000));
    QVERIFY(failed.last().first().toString().contains("not a readable checkpoint"));
  }
};


QTEST_MAIN(TestSamplingPage)
#include "test_sampling_page.moc"
