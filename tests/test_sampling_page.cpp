// The Sample & compare page as a user drives it: load, preview, sample, compare, sweep, cancel, export.
#include "explorer_test_runs.h"

#include <algorithm>
#include <atomic>

#include <QtTest>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QTemporaryDir>

#include "denoising_path_view.h"
#include "explorer_types.h"
#include "find_steps_dialog.h"
#include "image_comparison_view.h"
#include "image_grid_view.h"
#include "imputation_plot.h"
#include "mnist_files.h"
#include "png_file.h"
#include "sampler.h"
#include "sampling_page.h"
#include "sampling_service.h"
#include "schedule_file.h"
#include "schedule_strip.h"

using namespace eddpm;
using namespace eddpm::test;

namespace {
// Equal value by value, NaN (no value) matching NaN.
bool sameValues(const QVector<double>& a, const QVector<double>& b) {
  if (a.size() != b.size()) return false;
  for (int i = 0; i < a.size(); ++i)
    if (!(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i])))) return false;
  return true;
}
}  // namespace

// The Sample & compare page on a trained run that this fixture makes once and no test changes;
// each test writes its exports to its own folder.
class TestSamplingPage : public QObject {
  Q_OBJECT
  QTemporaryDir runs_;
  QString checkpoint_, imageCheckpoint_, seriesCheckpoint_;
  std::unique_ptr<QTemporaryDir> dir_;
  QString path(const QString& name) const { return dir_->filePath(name); }

 private slots:
  void initTestCase() {
    explorer::registerExplorerTypes();
    train_run(runs_.filePath("trained"), 600);
    checkpoint_ = runs_.filePath("trained/checkpoint.pt");
    train_image_run(runs_.filePath("images"), "folder:" + image_folder(runs_.filePath("pictures"), 40), 40);
    imageCheckpoint_ = runs_.filePath("images/checkpoint.pt");
    train_series_run(runs_.filePath("series"), sine_csv(runs_.filePath("sines.csv")), 40);
    seriesCheckpoint_ = runs_.filePath("series/checkpoint.pt");
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
                                "kl-optimal", "beta", "elbo-dp"}) {
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
    QCOMPARE(page.table()->rowCount(), 4);  // and the floor: real data against real data
    QCOMPARE(page.table()->item(3, 0)->text(), QString("real data (floor)"));
    QVERIFY(page.floor().swd > 0);
    QVERIFY(page.table()->isColumnHidden(9));  // FD-LeNet: MNIST only
    for (const auto& o : page.outcomes()) {
      QVERIFY2(o.error.isEmpty(), qPrintable(o.error));
      QCOMPARE(o.points.size(), 2 * 2000);
      QVERIFY(o.swd > 0);
      QVERIFY(o.fidelitySwd > 0);  // a few steps never reproduce the full chain's set
    }
    QCOMPARE(page.table()->horizontalHeaderItem(7)->text(), QString("fidelity SWD"));
    QCOMPARE(page.table()->item(0, 7)->text().toDouble(), std::round(page.outcomes()[0].fidelitySwd * 1e4) / 1e4);

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
    QCOMPARE(rows.size(), 4);
    QCOMPARE(rows[2].toObject()["schedule"].toString(), QString("karras"));
    QCOMPARE(rows[3].toObject()["schedule"].toString(), QString("real"));
    QVERIFY(QFileInfo(path("compare.png")).size() > 1000);

    QSignalSpy swept(&page, &explorer::SamplingPage::sweepReady);
    page.requestSweep();
    QVERIFY(swept.wait(60000));
  }

  // An image model: a grid per schedule beside the full chain's from the same noise, their
  // differences, the floor row, one sample's denoising path per schedule (ending in the very image
  // its grid shows), and the PNG exports with their parameters.
  void imageRunComparesGridsDifferencesAndPaths() {
    explorer::SamplingPage page;
    page.resize(1200, 800);
    QSignalSpy loaded(&page, &explorer::SamplingPage::checkpointLoaded);
    page.setCheckpoint(imageCheckpoint_);
    QVERIFY(loaded.wait(30000));
    QSignalSpy preview(&page, &explorer::SamplingPage::previewReady);
    page.setChecked({"learned", "uniform"});
    QVERIFY(preview.wait(30000));
    QSignalSpy sampled(&page, &explorer::SamplingPage::samplesReady);
    page.requestSample();
    QVERIFY(sampled.wait(60000));
    QCOMPARE(page.outcomes().size(), 2);
    for (const auto& o : page.outcomes()) {
      QVERIFY2(o.error.isEmpty(), qPrintable(o.error));
      QVERIFY(o.points.isEmpty());
      QCOMPARE(o.images.size(), explorer::SamplingService::kShownImages);
      QCOMPARE(o.difference.size(), o.images.size());
      QCOMPARE(o.images.front().size(), QSize(8, 8));
      QVERIFY(o.swd > 0 && o.fidelity > 0);
      QCOMPARE(o.fd, -1.0);  // no classifier for a folder
    }
    QCOMPARE(page.imageView()->grids().size(), 3);
    QVERIFY(page.imageView()->grids()[0]->caption().startsWith("full chain"));
    QCOMPARE(page.table()->rowCount(), 3);
    QCOMPARE(page.table()->item(2, 0)->text(), QString("real data (floor)"));
    const QImage samples = page.imageView()->grids()[1]->grid();
    page.imageView()->setShowDifference(true);
    QVERIFY(page.imageView()->grids()[1]->grid() != samples);
    page.imageView()->setShowDifference(false);

    QSignalSpy pathReady(&page, &explorer::SamplingPage::pathReady);
    page.requestPath(3);
    QVERIFY(pathReady.wait(60000));
    QCOMPARE(page.paths().size(), 2);
    for (int i = 0; i < 2; ++i) {
      const explorer::PathStrip& p = page.paths()[i];
      QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
      QCOMPARE(p.predictions.size(), p.timesteps.size());
      QCOMPARE(p.timesteps, page.outcomes()[i].schedule.timesteps);
      // At the last step the chain outputs its estimate: the path ends in the grid's sample 3.
      QCOMPARE(p.predictions.last(), page.outcomes()[i].images[3]);
    }
    QCOMPARE(page.pathView()->strips().size(), 2);
    QCOMPARE(page.imageView()->selectedSample(), 3);

    QString error;
    QVERIFY2(page.saveGrid(-1, path("full.png"), &error), qPrintable(error));
    QVERIFY2(page.saveGrid(0, path("learned.png"), &error), qPrintable(error));
    QVERIFY2(page.saveSample(1, 3, path("uniform3.png"), &error), qPrintable(error));
    QVERIFY2(page.savePaths(path("paths.png"), &error), qPrintable(error));
    QVERIFY(!page.saveSample(1, 500, path("nothing.png"), &error));
    QVERIFY(!QFile::exists(path("nothing.png")));
    QCOMPARE(QImage(path("uniform3.png")).size(), QSize(8, 8));
    QCOMPARE(QImage(path("learned.png")).convertToFormat(QImage::Format_RGB32),
             page.imageView()->grids()[1]->grid().convertToFormat(QImage::Format_RGB32));
    for (const char* file : {"full.png", "learned.png", "uniform3.png", "paths.png"}) {
      const auto text = read_png_text(path(file).toStdString());
      QVERIFY2(text.count("parameters") && text.at("parameters").find("seed: 0") != std::string::npos, file);
    }
    QVERIFY(QString::fromStdString(read_png_text(path("learned.png").toStdString()).at("parameters")).startsWith("schedule: learned ["));
    QVERIFY(page.saveComparison(path("compare.json"), &error));
    QVERIFY(QImage(path("compare.png")).width() > 3 * 8 * 8);
  }

  // A time-series model: each schedule imputes the test windows beside the full chain; the table
  // holds CSDI's scores; the view shows the chosen window and series, observed values untouched;
  // the imputations export as CSV, the plot as PNG and PDF, the comparison with REPORT.json's keys.
  void seriesRunImputesTestWindows() {
    explorer::SamplingPage page;
    page.resize(1300, 850);
    QSignalSpy loaded(&page, &explorer::SamplingPage::checkpointLoaded);
    page.setCheckpoint(seriesCheckpoint_);
    QVERIFY2(loaded.wait(30000), qPrintable(page.statusText()));
    QCOMPARE(page.table()->horizontalHeaderItem(4)->text(), QString("CRPS"));
    page.setChecked({"learned", "uniform"});
    page.setSampleCount(12);
    QSignalSpy sampled(&page, &explorer::SamplingPage::samplesReady);
    page.requestSample();  // after the preview the setChecked started
    QVERIFY(sampled.wait(120000));

    const explorer::SeriesFrame& f = page.seriesFrame();
    QCOMPARE(f.windows, 4);
    QCOMPARE(f.series, 2);
    QCOMPARE(f.length, 12);
    QCOMPARE(f.seriesNames, QStringList({"a", "b"}));
    QCOMPARE(f.timeLabels[1].front(), QDate(2020, 1, 1).addDays(192 + 12).toString(Qt::ISODate));
    QCOMPARE(page.table()->rowCount(), 3);
    QCOMPARE(page.table()->item(0, 0)->text(), QString("full chain"));
    QCOMPARE(page.fullChainOutcome().schedule.timesteps.size(), 20);
    int hidden = 0;
    for (double v : f.hidden) hidden += !std::isnan(v);
    QVERIFY(hidden > 0);
    QVector<explorer::SampleOutcome> rows = page.outcomes();
    rows.prepend(page.fullChainOutcome());
    for (const explorer::SampleOutcome& o : rows) {
      QVERIFY2(o.error.isEmpty(), qPrintable(o.error));
      QVERIFY(o.scores.crps > 0 && o.scores.mae > 0 && o.scoresOriginal.rmse > 0);
      QCOMPARE(o.imputationCount, 12);
      QCOMPARE(o.imputations.size(), 12 * 4 * 2 * 12);
      int inside = 0;
      for (int i = 0; i < f.observed.size(); ++i) {
        // What the model saw comes back as it was, in the data's units (through float32).
        if (!std::isnan(f.observed[i]))
          QVERIFY2(std::abs(o.median[i] - f.observed[i]) < 1e-4 && o.low[i] == o.median[i] && o.high[i] == o.median[i],
                   qPrintable(QString("%1 at %2").arg(o.schedule.name).arg(i)));
        // Elsewhere the median lies inside the band, strictly somewhere.
        QVERIFY(o.low[i] <= o.median[i] && o.median[i] <= o.high[i]);
        inside += o.low[i] < o.median[i] && o.median[i] < o.high[i];
      }
      QVERIFY(inside > 0);
    }
    for (int c : {4, 5, 6, 7, 8, 9, 11}) QVERIFY(page.table()->item(1, c)->text().toDouble() > 0);

    // The view: window 2 of series b, the learned, uniform and full chain bands, then side by side.
    page.setSeriesWindow(2, 1);
    const widgets::ImputationPlot* plot = page.imputationPlot();
    QVERIFY(sameValues(plot->window().observed, f.observed.mid(f.index(2, 1, 0), 12)));
    QVERIFY(sameValues(plot->window().hidden, f.hidden.mid(f.index(2, 1, 0), 12)));
    QCOMPARE(plot->window().timeLabels, f.timeLabels[2]);
    QCOMPARE(plot->bands().size(), 3);
    QCOMPARE(plot->bands()[1].median, page.outcomes()[1].median.mid(f.index(2, 1, 0), 12));
    QVERIFY(plot->bands()[2].reference);
    QCOMPARE(plot->panelCount(), 1);
    // PgDn on the plot shows the next window.
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    QTest::mouseClick(page.imputationPlot(), Qt::LeftButton);
    QTest::keyClick(page.imputationPlot(), Qt::Key_PageDown);
    QVERIFY(sameValues(plot->window().observed, f.observed.mid(f.index(3, 1, 0), 12)));
    QTest::keyClick(page.imputationPlot(), Qt::Key_PageUp);
    QVERIFY(sameValues(plot->window().observed, f.observed.mid(f.index(2, 1, 0), 12)));
    auto* layout = page.findChildren<QComboBox*>().at(0);
    for (QComboBox* box : page.findChildren<QComboBox*>())
      if (box->count() == 2 && box->itemText(1) == "side by side") layout = box;
    layout->setCurrentIndex(1);
    QCOMPARE(plot->panelCount(), 3);
    for (QCheckBox* box : page.findChildren<QCheckBox*>())
      if (box->text() == "full chain") box->setChecked(false);
    QCOMPARE(plot->bands().size(), 2);
    QCOMPARE(plot->panelCount(), 2);

    // Exports: every imputation as CSV, the plot, the comparison; a wrong name is refused cleanly.
    QString error;
    QVERIFY2(page.saveImputations(0, path("learned.csv"), &error), qPrintable(error));
    QFile csv(path("learned.csv"));
    QVERIFY(csv.open(QIODevice::ReadOnly | QIODevice::Text));
    const QStringList lines = QString::fromUtf8(csv.readAll()).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.front(), QString("window,series,time,state,value,median,q05,q25,q75,q95"));
    QCOMPARE(lines.size(), 1 + 4 * 2 * 12);
    QCOMPARE(lines.filter(",hidden,").size(), hidden);
    QVERIFY(!page.saveImputations(0, path("learned.txt"), &error));
    QVERIFY(error.contains(".csv"));
    QVERIFY(!QFile::exists(path("learned.txt")));
    QVERIFY2(page.saveImputations(-1, path("full.csv"), &error), qPrintable(error));
    QVERIFY2(page.imputationPlot()->exportTo(path("window.pdf"), &error), qPrintable(error));
    QVERIFY(QFileInfo(path("window.pdf")).size() > 1000);
    QVERIFY2(page.saveComparison(path("compare.json"), &error), qPrintable(error));
    QVERIFY(QImage(path("compare.png")).width() > 400);
    QFile json(path("compare.json"));
    QVERIFY(json.open(QIODevice::ReadOnly));
    const QJsonArray report = QJsonDocument::fromJson(json.readAll()).array();
    QCOMPARE(report.size(), 3);
    QCOMPARE(report[0].toObject()["schedule"].toString(), QString("full"));
    const QJsonObject quality = report[1].toObject()["quality"].toObject();
    for (const char* key : {"crps", "mae", "rmse", "crps_orig", "mae_orig", "rmse_orig", "fidelity"})
      QVERIFY2(quality.contains(key), key);
    QCOMPARE(quality["crps"].toDouble(), page.outcomes()[0].scores.crps);

    // Sweep K plots the imputations' CRPS against K.
    QSignalSpy swept(&page, &explorer::SamplingPage::sweepReady);
    page.requestSweep();
    QVERIFY(swept.wait(120000));
  }

  // An MNIST run folder: the table measures FD-LeNet (and its floor), the sweep plots it.
  void mnistRunMeasuresFdLenet() {
    if (!QFile::exists(QString::fromStdString((default_mnist_dir() / "train-images-idx3-ubyte").string()))) {
      // scripts/test (and so CI) fetches it and sets EDDPM_REQUIRE_MNIST: there a missing set fails.
      if (qEnvironmentVariableIsSet("EDDPM_REQUIRE_MNIST")) QFAIL("MNIST is not in the cache: run scripts/fetch-mnist");
      QSKIP("MNIST is not fetched: run scripts/fetch-mnist");
    }
    auto settings = quick_image_run(dir_->filePath("mnist"), "mnist", 20);
    settings.config.size = 14;
    EddpmTrainer trainer(explorer::to_train_config(settings), torch::kCPU);
    run_training(trainer, settings.runDir.toStdString());
    explorer::SamplingPage page;
    QSignalSpy loaded(&page, &explorer::SamplingPage::checkpointLoaded);
    page.setCheckpoint(dir_->filePath("mnist/checkpoint.pt"));
    QVERIFY(loaded.wait(30000));
    QSignalSpy preview(&page, &explorer::SamplingPage::previewReady);
    page.setChecked({"uniform"});
    QVERIFY(preview.wait(30000));
    QSignalSpy sampled(&page, &explorer::SamplingPage::samplesReady);
    page.requestSample();
    QVERIFY(sampled.wait(120000));  // the first use at 14x14 trains the classifier (about a minute)
    QCOMPARE(page.outcomes().size(), 1);
    const explorer::SampleOutcome& uniform = page.outcomes()[0];
    QVERIFY2(uniform.error.isEmpty(), qPrintable(uniform.error));
    QCOMPARE(uniform.images.front().size(), QSize(14, 14));
    QVERIFY(uniform.fd > 0 && uniform.fidelityFd > 0);
    QVERIFY(page.floor().fd >= 0 && page.floor().fd < uniform.fd);  // 20 iterations make no digits
    QVERIFY(!page.table()->isColumnHidden(7));
    QCOMPARE(page.table()->item(0, 9)->text().toDouble(), std::round(uniform.fd * 100) / 100);
    QSignalSpy swept(&page, &explorer::SamplingPage::sweepReady);
    page.requestSweep();
    QVERIFY(swept.wait(120000));
  }

  // One schedule under three solvers sits side by side: one row each, named by its solver, with
  // its network evaluations; the exported schedule says its solver.
  // Tools > Find steps as a user runs it: every candidate's bar fills, the table ranks them with
  // the winner first, each has its schedule file beside the checkpoint, Open puts the best six in
  // Sample & compare and samples them; Esc while it searches stops it.
  void findStepsOpensTheBestInSampleCompare() {
    QTemporaryDir models;
    const QString checkpoint = models.filePath("checkpoint.pt");
    QVERIFY(QFile::copy(checkpoint_, checkpoint));  // the dialog writes its folder beside the model
    explorer::FindStepsDialog dialog(checkpoint, 5, "ddim");
    dialog.findChild<QDoubleSpinBox*>()->setValue(0.1);  // six seconds, a second each for ELBO-DP, searches, mask
    QSignalSpy done(&dialog, &explorer::FindStepsDialog::done);
    dialog.start();
    QVERIFY(dialog.running());
    // About 40 s alone on 2 cores (six 1 s shares, then 15 candidates scored on three draws of
    // 2,000 points); ctest -j2 runs another suite beside it.
    QVERIFY(done.wait(180000));
    QVERIFY2(dialog.statusText().startsWith("Winner: "), qPrintable(dialog.statusText()));
    const explorer::FindStepsResult& result = dialog.result();
    QCOMPARE(dialog.table()->rowCount(), 15);  // the run's learned K = 5 steps, 8 families, 4 searches, eddpm
    QCOMPARE(result.rows.first().candidate, result.winner);
    QStringList candidates;
    for (const auto& row : result.rows) {
      candidates << row.candidate;
      QVERIFY2(row.error.isEmpty(), qPrintable(row.candidate + ": " + row.error));
      QVERIFY(QFileInfo::exists(row.file));
      QVERIFY(row.quality >= result.rows.first().quality);
    }
    QVERIFY(candidates.contains("learned") && candidates.contains("eddpm"));
    QVERIFY(QFileInfo::exists(result.folder + "/report.json"));
    QVERIFY(QFileInfo(result.folder).dir() == QFileInfo(checkpoint).dir());

    explorer::SamplingPage page;
    QSignalSpy loaded(&page, &explorer::SamplingPage::checkpointLoaded);
    page.setCheckpoint(checkpoint);
    QVERIFY(loaded.wait(30000));
    QTRY_VERIFY_WITH_TIMEOUT(!page.busy(), 30000);
    connect(&dialog, &explorer::FindStepsDialog::openInSampleCompare, &page, &explorer::SamplingPage::openScheduleFiles);
    QSignalSpy sampled(&page, &explorer::SamplingPage::samplesReady);
    QPushButton* open = nullptr;
    for (auto* button : dialog.findChildren<QPushButton*>())
      if (button->text().startsWith("&Open")) open = button;
    QVERIFY(open && open->isEnabled());
    open->click();
    QVERIFY(sampled.wait(60000));
    QStringList expected;
    for (int i = 0; i < 6; ++i) expected << "file:" + result.rows[i].file;
    QCOMPARE(page.checkedKinds(), expected);
    QCOMPARE(page.outcomes().size(), 6);

    QSignalSpy stopped(&dialog, &explorer::FindStepsDialog::done);
    dialog.start();
    dialog.reject();  // Esc
    QVERIFY(stopped.wait(60000));
    QVERIFY2(dialog.statusText().startsWith("Stopped"), qPrintable(dialog.statusText()));
  }

  // Quitting the explorer while Find steps searches destroys the dialog mid-job: the job is stopped
  // and waited for before what it writes (its progress, its result) is destroyed.
  void destroyingFindStepsWhileItSearchesStopsIt() {
    QTemporaryDir models;
    const QString checkpoint = models.filePath("checkpoint.pt");
    QVERIFY(QFile::copy(checkpoint_, checkpoint));
    auto* dialog = new explorer::FindStepsDialog(checkpoint, 5, "ddim");
    dialog->start();
    const auto bars = dialog->findChildren<QProgressBar*>();
    QTRY_VERIFY_WITH_TIMEOUT(std::any_of(bars.begin(), bars.end(), [](QProgressBar* b) { return b->value() > 0; }), 60000);
    QVERIFY(dialog->running());
    delete dialog;
    QCoreApplication::processEvents();  // the job's end, posted to the destroyed dialog, is dropped
  }

  void oneScheduleUnderThreeSolvers() {
    explorer::SamplingPage page;
    QSignalSpy loaded(&page, &explorer::SamplingPage::checkpointLoaded);
    page.setCheckpoint(checkpoint_);
    QVERIFY(loaded.wait(30000));
    QSignalSpy preview(&page, &explorer::SamplingPage::previewReady);
    page.setSampleCount(300);
    page.setSolvers({"ddim", "dpmpp-2m", "heun"});
    page.setChecked({"uniform"});
    QTRY_VERIFY_WITH_TIMEOUT(!page.busy() && page.strip()->schedules().size() == 3, 30000);
    QSignalSpy sampled(&page, &explorer::SamplingPage::samplesReady);
    page.requestSample();
    QVERIFY(sampled.wait(60000));
    QStringList rows;
    for (int r = 0; r < 3; ++r)
      rows << page.table()->item(r, 0)->text() + " " + page.table()->item(r, 1)->text() + " K=" +
                  page.table()->item(r, 2)->text() + " NFE=" + page.table()->item(r, 3)->text();
    QCOMPARE(rows, (QStringList{"uniform ddim K=10 NFE=10", "uniform · heun heun K=10 NFE=19",
                                "uniform · dpmpp-2m dpmpp-2m K=10 NFE=10"}));  // in the list's order
    // Same steps, same noise, other solvers: other samples.
    QVERIFY(page.outcomes()[0].points != page.outcomes()[1].points);
    QVERIFY(page.outcomes()[1].points != page.outcomes()[2].points);
    QString error;
    QVERIFY2(page.saveSchedule(1, path("heun.json"), &error), qPrintable(error));
    QCOMPARE(load_schedule_json(path("heun.json").toStdString()).solver.name(), std::string("heun"));
    QVERIFY2(page.saveSchedule(2, path("dpm.txt"), &error, "a1111"), qPrintable(error));
    QFile line(path("dpm.txt"));
    QVERIFY(line.open(QIODevice::ReadOnly));
    QVERIFY(QString(line.readAll()).trimmed().endsWith("0.0]"));
  }

  // A schedule with solvers of its own sits beside the others under theirs; the list says which,
  // eta follows ddim wherever it is used, and the pair limit counts each schedule's own solvers.
  void aScheduleCarriesItsOwnSolvers() {
    explorer::SamplingPage page;
    QSignalSpy loaded(&page, &explorer::SamplingPage::checkpointLoaded);
    page.setCheckpoint(checkpoint_);
    QVERIFY(loaded.wait(30000));
    auto stripNames = [&page] {
      QStringList names;
      for (const widgets::ScheduleView& v : page.strip()->schedules()) names << v.name;
      return names;
    };
    page.setSolvers({"heun"});
    page.setChecked({"uniform", "quadratic@ddim+dpmpp-2m"});
    QTRY_VERIFY_WITH_TIMEOUT(!page.busy() && page.strip()->schedules().size() == 3, 30000);
    QCOMPARE(stripNames(), (QStringList{"uniform · heun", "quadratic", "quadratic · dpmpp-2m"}));
    QCOMPARE(page.scheduleSolvers("quadratic"), (QStringList{"ddim", "dpmpp-2m"}));
    QListWidget* list = nullptr;  // the schedules' list (the solvers' is the other)
    for (auto* l : page.findChildren<QListWidget*>())
      if (!l->findItems("uniform", Qt::MatchExactly).isEmpty()) list = l;
    QVERIFY(list);
    QVERIFY(!list->findItems("quadratic@ddim+dpmpp-2m", Qt::MatchExactly).isEmpty());
    auto* eta = page.findChild<QDoubleSpinBox*>();
    QVERIFY(eta->isEnabled());  // quadratic runs ddim

    QVERIFY(page.setScheduleSolvers("quadratic", {}));  // back to the ticked solvers
    QTRY_VERIFY_WITH_TIMEOUT(!page.busy() && page.strip()->schedules().size() == 2, 30000);
    QCOMPARE(stripNames(), (QStringList{"uniform · heun", "quadratic · heun"}));
    QVERIFY(!eta->isEnabled());
    QVERIFY(!list->findItems("quadratic", Qt::MatchExactly).isEmpty());

    // 2 schedules x 5 ticked solvers = 10 pairs of the 12 at most; a third with its own 3 would make 13.
    page.setSolvers({"ddim", "euler", "heun", "dpmpp-2m", "unipc"});
    page.setChecked({"uniform", "quadratic"});
    QVERIFY(page.setScheduleSolvers("karras", {"euler", "heun", "unipc"}));  // unticked: no pairs yet
    QListWidgetItem* karras = list->findItems("karras@euler+heun+unipc", Qt::MatchExactly).value(0);
    QVERIFY(karras);
    karras->setCheckState(Qt::Checked);  // as a click: refused, and the status says why
    QCOMPARE(karras->checkState(), Qt::Unchecked);
    QVERIFY2(page.statusText().contains("At most 12"), qPrintable(page.statusText()));
    QVERIFY(page.setScheduleSolvers("karras", {"euler"}));
    karras->setCheckState(Qt::Checked);
    QCOMPARE(karras->checkState(), Qt::Checked);  // 11 pairs
    QVERIFY(page.setScheduleSolvers("karras", {"euler", "heun"}));  // 12
    QVERIFY(!page.setScheduleSolvers("karras", {"euler", "heun", "unipc"}));  // 13: refused, unchanged
    QCOMPARE(page.scheduleSolvers("karras"), (QStringList{"euler", "heun"}));
    QTRY_VERIFY_WITH_TIMEOUT(!page.busy() && page.strip()->schedules().size() == 12, 30000);
  }

  // A pasted sigma line in the manual field moves onto the model's timesteps, and says how far.
  void pastedSigmasBecomeSteps() {
    explorer::SamplingPage page;
    QSignalSpy loaded(&page, &explorer::SamplingPage::checkpointLoaded);
    page.setCheckpoint(checkpoint_);
    QVERIFY(loaded.wait(30000));
    page.setChecked({"uniform"});
    QTRY_VERIFY_WITH_TIMEOUT(!page.busy() && page.strip()->schedules().size() == 1, 30000);
    QString error;
    QVERIFY(page.saveSchedule(0, path("uniform.json"), &error));
    const ScheduleFile uniform = load_schedule_json(path("uniform.json").toStdString());
    page.setManualText("[" + QString::number(uniform.sigmas[0] * 1.01, 'g', 9) + ", 0.0]");
    page.setChecked({"manual"});
    QTRY_VERIFY2_WITH_TIMEOUT(!page.busy() && page.statusText().contains("manual: sigmas, moved at most 0.99%"),
                              qPrintable(page.statusText()), 30000);
    QCOMPARE(page.strip()->schedules().value(0).timesteps, QVector<int>{uniform.timesteps[0]});
    page.setManualText("1.5, 1.49, 0.0");  // both on one timestep: refused, with the step named
    QTRY_VERIFY2_WITH_TIMEOUT(!page.busy() && page.statusText().contains("two sigmas land on timestep"),
                              qPrintable(page.statusText()), 30000);
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
    QVERIFY_THROWS_EXCEPTION(Cancelled, service.sample({{"uniform", 5, {}, {}}}, 100, 1));
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
