// The views show what they are sent; the setup panel refuses what cannot run.
#include <QtTest>

#include <QLabel>

#include <QElapsedTimer>
#include <QCheckBox>
#include <QComboBox>
#include <QPushButton>
#include <QSettings>
#include <QTemporaryDir>
#include <QWheelEvent>

#include <nlohmann/json.hpp>

#include "denoising_path_view.h"
#include "elided_label.h"
#include "image_comparison_view.h"
#include "image_grid_view.h"
#include "live_plot.h"
#include "mask_history_heatmap.h"
#include "mask_probability_plot.h"
#include "redraw_scheduler.h"
#include "schedule_strip.h"
#include "time_series_plot.h"
#include "training_setup_panel.h"

using namespace eddpm::widgets;

namespace {
// A 600-pixel strip over these noise levels with the manual steps 99 and 10, editable and shown.
bool showEditable(eddpm::widgets::ScheduleStrip& strip, const QVector<double>& levels) {
  strip.resize(600, 60);
  strip.setNoiseLevels(levels);
  strip.setSchedules({{"manual", {99, 10}, {}}});
  strip.setEditable(true);
  strip.show();
  return QTest::qWaitForWindowExposed(&strip);
}
}  // namespace

class TestWidgets : public QObject {
  Q_OBJECT
 private slots:
  // Images tile row by row with a separator; the view draws each pixel as a zoom x zoom block
  // (no smoothing); Ctrl+wheel zooms within bounds; images of another size are refused.
  void imageGridShowsEachPixelAsABlock() {
    QVector<QImage> images;
    for (int i = 0; i < 5; ++i) {
      QImage image(4, 3, QImage::Format_RGB32);
      image.fill(QColor(40 * i + 50, 40 * i + 50, 40 * i + 50));
      image.setPixel(0, 0, qRgb(255, 0, 0));  // a corner that smoothing would blur
      images.push_back(image);
    }
    ImageGridView view;
    QVERIFY(view.setImages(images, "learned, K = 10", 3));
    QCOMPARE(view.columns(), 3);
    const QImage grid = view.grid();
    QCOMPARE(grid.size(), QSize(3 * 5 - 1, 2 * 4 - 1));
    QCOMPARE(QColor(grid.pixel(5 + 1, 1)), QColor(90, 90, 90));          // image 1
    QCOMPARE(QColor(grid.pixel(5 + 1, 4 + 1)), QColor(210, 210, 210));   // image 4, second row
    QCOMPARE(QColor(grid.pixel(4, 0)), QColor(40, 40, 40));              // the separator
    view.setZoom(5);
    view.resize(view.sizeHint());
    const QImage shown = view.grab().toImage();
    const int top = view.sizeHint().height() - grid.height() * 5;  // below the caption
    for (int dy = 0; dy < 5; ++dy)
      for (int dx = 0; dx < 5; ++dx) QCOMPARE(QColor(shown.pixel(5 * 5 + dx, top + dy)), QColor(255, 0, 0));
    QCOMPARE(QColor(shown.pixel(5 * 5 + 5, top + 5)), QColor(90, 90, 90));
    QCOMPARE(view.imageAt(QPoint(5 * 5 + 2, top + 2)), 1);
    QCOMPARE(view.imageAt(QPoint(2, 1)), -1);  // the caption
    QSignalSpy zoomed(&view, &ImageGridView::zoomChanged);
    QWheelEvent wheel(QPointF(10, 10), view.mapToGlobal(QPointF(10, 10)), {}, QPoint(0, 240), Qt::NoButton,
                      Qt::ControlModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(&view, &wheel);
    QCOMPARE(view.zoom(), 7);
    QCOMPARE(zoomed.size(), 1);
    view.setZoom(1000);
    QCOMPARE(view.zoom(), ImageGridView::kMaxZoom);
    QImage other(5, 5, QImage::Format_RGB32);
    QVERIFY(!view.setImages({images[0], other}, "mixed"));
    QCOMPARE(view.imageCount(), 5);
  }

  // The full chain's grid first, then each schedule's; the switch shows each grid's differences
  // instead; a click selects one sample in every grid; one zoom for all.
  void imageComparisonShowsGridsAndTheirDifferences() {
    auto images = [](int value, int n) {
      QVector<QImage> v;
      for (int i = 0; i < n; ++i) {
        QImage image(3, 3, QImage::Format_RGB32);
        image.fill(QColor(value, value, value));
        v.append(image);
      }
      return v;
    };
    ImageComparisonView view;
    QSignalSpy selected(&view, &ImageComparisonView::sampleSelected);
    view.setSets({"full chain", images(200, 6), {}},
                 {{"learned", images(100, 6), images(10, 6)}, {"uniform", images(50, 6), images(20, 6)}});
    QCOMPARE(view.grids().size(), 3);
    QCOMPARE(view.grids()[0]->caption(), QString("full chain"));
    QCOMPARE(QColor(view.grids()[1]->grid().pixel(1, 1)), QColor(100, 100, 100));
    view.setShowDifference(true);
    QCOMPARE(QColor(view.grids()[1]->grid().pixel(1, 1)), QColor(10, 10, 10));
    QCOMPARE(QColor(view.grids()[2]->grid().pixel(1, 1)), QColor(20, 20, 20));
    QCOMPARE(QColor(view.grids()[0]->grid().pixel(1, 1)), QColor(200, 200, 200));  // the reference stays
    QVERIFY(view.grids()[1]->caption().contains("full chain"));
    view.setShowDifference(false);
    QCOMPARE(QColor(view.grids()[1]->grid().pixel(1, 1)), QColor(100, 100, 100));

    ImageGridView* uniform = view.grids()[2];
    uniform->resize(uniform->sizeHint());
    const int zoom = uniform->zoom();
    const int top = uniform->sizeHint().height() - uniform->grid().height() * zoom;
    QTest::mouseClick(uniform, Qt::LeftButton, {}, QPoint(4 * zoom + 1, top + 1));  // the second image
    QCOMPARE(selected.size(), 1);
    QCOMPARE(selected.last().first().toInt(), 1);
    for (ImageGridView* g : view.grids()) QCOMPARE(g->selected(), 1);
    QSignalSpy path(&view, &ImageComparisonView::pathRequested);
    QTest::mouseDClick(view.grids()[1], Qt::LeftButton, {}, QPoint(2 * 4 * zoom + 1, top + 1));  // the third image
    QCOMPARE(path.size(), 1);
    QCOMPARE(path.last().first().toInt(), 2);
    QCOMPARE(view.grids()[0]->selected(), 2);
    QVERIFY(uniform->minimumSizeHint().width() >= uniform->grid().width() * zoom);  // scrolled, never squeezed
    view.grids()[0]->setZoom(7);
    for (ImageGridView* g : view.grids()) QCOMPARE(g->zoom(), 7);
    QVERIFY(view.picture().width() >= 3 * 3 * 3);
  }

  void denoisingPathShowsOneStripPerSchedule() {
    QVector<QImage> steps;
    for (int i = 0; i < 4; ++i) {
      QImage image(2, 2, QImage::Format_RGB32);
      image.fill(QColor(60 * i, 60 * i, 60 * i));
      steps.append(image);
    }
    DenoisingPathView view;
    view.setRows({{"learned, 4 steps", steps}, {"uniform, 2 steps", steps.mid(0, 2)}});
    QCOMPARE(view.strips().size(), 2);
    QCOMPARE(view.strips()[0]->columns(), 4);  // one row: the steps left to right
    QCOMPARE(view.strips()[1]->imageCount(), 2);
    QCOMPARE(QColor(view.strips()[0]->grid().pixel(3 * 3, 0)), QColor(180, 180, 180));  // the last step
    view.setRows({{"karras", steps}});
    QCOMPARE(view.strips().size(), 1);
    QVERIFY(!view.picture().isNull());
  }

  // A message of any length fits the label's width, whole in its tooltip, and asks for no more room.
  void longMessagesAreElidedNotWidening() {
    ElidedLabel label;
    const QSize before = label.sizeHint();
    const QString message = QString("Could not load /a/very/long/path/").repeated(40) + "checkpoint.pt";
    label.setText(message);
    QCOMPARE(label.sizeHint(), before);
    QCOMPARE(label.minimumSizeHint().width(), 0);
    label.resize(300, 30);
    label.show();
    QVERIFY(QTest::qWaitForWindowExposed(&label));
    QCOMPARE(label.fullText(), message);
    QCOMPARE(label.toolTip(), message);
    QVERIFY(label.text().endsWith(QChar(0x2026)));
    QVERIFY(label.fontMetrics().horizontalAdvance(label.text()) <= 300);
  }

  // Every data source the CLI takes, with its path, size, channels and model, survives the panel
  // and the stored settings; the model follows the data.
  void dataChoicesRoundTrip() {
    TrainingSetupPanel panel;
    TrainingSettings s;
    s.runDir = "/tmp/run";
    s.config.data = "folder:/photos/cats";
    s.config.size = 32;
    s.config.channels = 3;
    s.config.model = "small";
    s.config.check_n = 3000;
    s.config.budget_rule = eddpm::BudgetRule::AtMost;  // an Advanced row
    panel.setSettings(s);
    TrainingSettings shown = panel.settings();
    QCOMPARE(shown.config.data, std::string("folder:/photos/cats"));
    QCOMPARE(shown.config.check_n, int64_t(3000));
    QCOMPARE(shown.config.size, int64_t(32));
    QCOMPARE(shown.config.channels, int64_t(3));
    QCOMPARE(shown.config.model, std::string("small"));
    QCOMPARE(shown.config.budget_rule, eddpm::BudgetRule::AtMost);
    QVERIFY(panel.startButton()->isEnabled());
    QTemporaryDir dir;
    {
      QSettings stored(dir.filePath("settings.ini"), QSettings::IniFormat);
      shown.save(stored);
    }
    QSettings stored(dir.filePath("settings.ini"), QSettings::IniFormat);
    const TrainingSettings loaded = TrainingSettings::load(stored);
    QCOMPARE(loaded.config.data, shown.config.data);
    QCOMPARE(loaded.config.size, int64_t(32));
    QCOMPARE(loaded.config.channels, int64_t(3));
    QCOMPARE(loaded.config.model, std::string("small"));
    QCOMPARE(loaded.config.check_n, int64_t(3000));
    QCOMPARE(loaded.config.budget_rule, eddpm::BudgetRule::AtMost);
    QCOMPARE(eddpm::to_json(loaded.config).dump(), eddpm::to_json(shown.config).dump());  // every row of the table

    s.config.data = "mnist:/data/mnist";
    s.config.size = 14;
    s.config.channels = 0;
    panel.setSettings(s);
    QCOMPARE(panel.settings().config.data, std::string("mnist:/data/mnist"));
    QCOMPARE(panel.settings().config.size, int64_t(14));
    s.config.data = "moons";  // 2-D data takes the MLP, whatever was chosen for images
    panel.setSettings(s);
    QCOMPARE(panel.settings().config.model, std::string("mlp"));
    auto* data = panel.findChild<QComboBox*>("data");
    QVERIFY(data);
    data->setCurrentText("mnist");
    QCOMPARE(panel.settings().config.model, std::string("tiny"));
    QCOMPARE(panel.settings().config.data, std::string("mnist"));
    data->setCurrentText("folder");  // a folder needs its path before Start
    QVERIFY(!panel.startButton()->isEnabled());
    QVERIFY(panel.problem().contains("folder"));

    s.config.data = "mnist";
    s.fromCheckpoint = "/models/eps_model.ts";  // TorchScript: its own model, frozen, and a warning
    panel.setSettings(s);
    QCOMPARE(panel.settings().config.model, std::string("torchscript"));
    QVERIFY(panel.settings().config.freeze_model);
  }

  void maskPlotShowsProbabilitiesAndTopK() {
    MaskProbabilityPlot plot;
    MaskFrame frame{120, QVector<double>(50, 0.1), {49, 30, 7}};
    for (int t : frame.learned) frame.s[t] = 0.9;
    plot.showFrame(frame);
    QCOMPARE(plot.highlightedCount(), 3);
    auto* bars = qobject_cast<QCPBars*>(plot.plottable(0));
    QVERIFY(bars);
    QCOMPARE(bars->data()->size(), 50);
    QCOMPARE(bars->data()->at(30)->value, 0.9);
    QCOMPARE(bars->data()->at(31)->value, 0.1);
  }

  // A thousand timesteps are drawn as impulses, each still at its own step and value.
  void longMaskIsDrawnAsImpulses() {
    MaskProbabilityPlot plot;
    MaskFrame frame{800, QVector<double>(1000, 0.02), {999, 640}};
    frame.s[640] = 0.97;
    plot.showFrame(frame);
    QVERIFY(plot.drawsImpulses());
    auto* impulses = qobject_cast<QCPGraph*>(plot.plottable(1));
    QVERIFY(impulses && impulses->visible());
    QCOMPARE(impulses->data()->size(), 1000);
    QCOMPARE(impulses->data()->at(640)->value, 0.97);
    QVERIFY(!plot.plottable(0)->visible());
    QCOMPARE(plot.highlightedCount(), 2);
    QVERIFY(plot.legend->hasItemWithPlottable(impulses));
    QVERIFY(!plot.legend->hasItemWithPlottable(plot.plottable(0)));
    plot.showFrame({900, QVector<double>(50, 0.5), {49}});  // and back to bars
    QVERIFY(!plot.drawsImpulses());
    QVERIFY(plot.legend->hasItemWithPlottable(plot.plottable(0)));
    QCOMPARE(plot.legend->itemCount(), 2);
  }

  // Points arriving faster than the redraw interval cost one redraw per interval, and the last one
  // is drawn.
  void seriesRedrawAtMostEveryIntervalAndShowTheLastPoint() {
    TimeSeriesPlot plot({{"a", Qt::red}}, "left");
    RedrawScheduler scheduler;
    plot.setRedrawScheduler(&scheduler);
    plot.resize(400, 300);
    QSignalSpy replots(&plot, &QCustomPlot::afterReplot);
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < 30; ++i) {
      plot.append(i, {double(i)});
      QCoreApplication::processEvents();
    }
    const qint64 elapsed = clock.elapsed();
    QVERIFY2(replots.count() <= 1 + elapsed / RedrawScheduler::kIntervalMs + 1,
             qPrintable(QString("%1 replots in %2 ms").arg(replots.count()).arg(elapsed)));
    const int before = replots.count();
    QTRY_VERIFY_WITH_TIMEOUT(replots.count() > before, 5000);  // the deferred redraw of the last points
    QCOMPARE(plot.graph(0)->data()->size(), 30);
  }

  // One timer for the live view: plots that ask within an interval are redrawn together by one
  // tick, once each, and redrawNow() draws at once only the plots that asked.
  void plotsOfOneViewRedrawTogether() {
    struct CountingPlot : LivePlot {
      int redraws = 0;
      void redraw() override {
        ++redraws;
        LivePlot::redraw();
      }
    };
    RedrawScheduler scheduler;
    CountingPlot a, b, c;
    for (CountingPlot* plot : {&a, &b, &c}) plot->setRedrawScheduler(&scheduler);
    QSignalSpy ticks(&scheduler, &RedrawScheduler::redrawn);
    for (int i = 0; i < 5; ++i)
      for (CountingPlot* plot : {&a, &b, &c}) plot->requestRedraw();
    QCOMPARE(a.redraws + b.redraws + c.redraws, 0);  // nothing drawn per request
    QVERIFY(ticks.wait(5000));
    QCOMPARE(ticks.count(), 1);
    QCOMPARE(a.redraws, 1);
    QCOMPARE(b.redraws, 1);
    QCOMPARE(c.redraws, 1);
    c.requestRedraw();
    scheduler.redrawNow();
    QCOMPARE(ticks.count(), 2);
    QCOMPARE(c.redraws, 2);
    QCOMPARE(a.redraws, 1);
    // A heatmap's frames wait for the tick too: the colour map is filled once, at the redraw.
    MaskHistoryHeatmap map;
    map.setRedrawScheduler(&scheduler);
    QSignalSpy mapReplots(&map, &QCustomPlot::afterReplot);
    for (int i = 0; i < 5; ++i) map.addFrame({i, QVector<double>(10, 0.5), {}});
    QCOMPARE(mapReplots.count(), 0);
    QVERIFY(ticks.wait(5000));
    QTRY_VERIFY(mapReplots.count() >= 1);
  }

  void heatmapStaysBoundedAndWhole() {
    MaskHistoryHeatmap map;
    for (int i = 0; i < 1000; ++i) map.addFrame({i, QVector<double>(20, i % 2 ? 1.0 : 0.0), {}});
    QVERIFY(map.rowCount() <= MaskHistoryHeatmap::kMaxRows);
    QVERIFY(map.rowCount() > MaskHistoryHeatmap::kMaxRows / 2);
    QCOMPARE(map.rowIteration(0), qint64(0));  // the first rows are merged, not dropped
    QVERIFY(std::abs(map.cell(0, 5) - 0.5) < 1e-12);
  }

  void seriesKeepTheirShapeInBoundedMemory() {
    TimeSeriesPlot plot({{"a", Qt::red}, {"b", Qt::blue, true}}, "left", "right");
    for (int i = 0; i < 20000; ++i) plot.append(i, {double(i), i % 2 ? std::nan("") : 1.0});
    QVERIFY(plot.pointCount(0) <= LivePlot::kMaxPoints + 1);
    QCOMPARE(plot.lastValue(0), 19999.0);
    QCOMPARE(plot.lastValue(1), 1.0);
    QCOMPARE(plot.graph(0)->data()->constBegin()->key, 0.0);
  }

  // Fitted to the data with a margin: the extreme points are drawn inside the frame, not on it.
  void fittedAxesLeaveRoomAroundTheData() {
    TimeSeriesPlot plot({{"a", Qt::red}, {"b", Qt::blue, true}}, "left", "right");
    for (int i = 0; i < 10; ++i) plot.append(i, {double(i), 100.0 + i});
    const QCPRange left = plot.yAxis->range(), right = plot.yAxis2->range();
    QVERIFY(left.lower < 0.0 && left.upper > 9.0);
    QVERIFY(left.size() < 1.2 * 9.0);
    QVERIFY(right.lower < 100.0 && right.upper > 109.0);
    QVERIFY(plot.xAxis->range().lower < 0.0 && plot.xAxis->range().upper > 9.0);

    // After the user zoomed, "Fit all data" gives the same margin and follows new data again.
    plot.setAutoFit(false);
    plot.yAxis->setRange(3.0, 4.0);
    plot.append(10, {20.0, 110.0});
    QCOMPARE(plot.yAxis->range().upper, 4.0);
    plot.fitToData();
    QVERIFY(plot.yAxis->range().lower < 0.0 && plot.yAxis->range().upper > 20.0);
    plot.append(11, {30.0, 111.0});
    QVERIFY(plot.yAxis->range().upper > 30.0);
  }

  void plotsExportPngAndPdf() {
    QTemporaryDir dir;
    TimeSeriesPlot plot({{"a", Qt::red}}, "left");
    plot.resize(400, 300);
    plot.append(1, {2.0});
    QSignalSpy exported(&plot, &LivePlot::exported);
    QVERIFY(plot.exportTo(dir.filePath("p.png")));
    QVERIFY(plot.exportTo(dir.filePath("p.pdf")));
    QCOMPARE(exported.count(), 2);
    QVERIFY(QFileInfo(dir.filePath("p.png")).size() > 500);
    QVERIFY(QFileInfo(dir.filePath("p.pdf")).size() > 500);
    QString error;
    QVERIFY(!plot.exportTo(dir.filePath("p.bmp"), &error));
    QVERIFY(!error.isEmpty());
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(), 2);  // no temporary left behind
  }

  void clickingTheStripTogglesManualSteps() {
    ScheduleStrip strip;
    QVector<double> levels(100);
    for (int t = 0; t < 100; ++t) levels[t] = 5.0 - 0.1 * t;
    QVERIFY(showEditable(strip, levels));
    QSignalSpy changed(&strip, &ScheduleStrip::manualStepsChanged);
    QTest::mouseClick(&strip, Qt::LeftButton, {}, strip.positionOf(40));
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.last().first().value<QVector<int>>(), (QVector<int>{99, 40, 10}));
    QTest::mouseClick(&strip, Qt::LeftButton, {}, strip.positionOf(99));
    QCOMPARE(changed.last().first().value<QVector<int>>(), (QVector<int>{40, 10}));
    strip.setEditable(false);
    QTest::mouseClick(&strip, Qt::LeftButton, {}, strip.positionOf(60));
    QCOMPARE(changed.count(), 2);
  }

  // Dragging a step moves it (one signal, on release; it cannot land on another step); on the
  // log-SNR axis the positions follow the noise level, not the timestep.
  void draggingAStepMovesItInEitherAxis() {
    ScheduleStrip strip;
    QVector<double> levels(100);
    for (int t = 0; t < 100; ++t) levels[t] = 5.0 - 0.001 * t * t;  // falls faster towards the noise
    QVERIFY(showEditable(strip, levels));
    QSignalSpy changed(&strip, &ScheduleStrip::manualStepsChanged);
    QTest::mousePress(&strip, Qt::LeftButton, {}, strip.positionOf(99));
    QTest::mouseMove(&strip, strip.positionOf(70));
    QTest::mouseMove(&strip, strip.positionOf(80));
    QCOMPARE(changed.count(), 0);  // nothing is sampled while the step moves
    QTest::mouseRelease(&strip, Qt::LeftButton, {}, strip.positionOf(80));
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.last().first().value<QVector<int>>(), (QVector<int>{80, 10}));
    QTest::mousePress(&strip, Qt::LeftButton, {}, strip.positionOf(80));
    QTest::mouseMove(&strip, strip.positionOf(10));  // onto the other step: stays where it was
    QTest::mouseRelease(&strip, Qt::LeftButton, {}, strip.positionOf(10));
    QCOMPARE(changed.last().first().value<QVector<int>>(), (QVector<int>{80, 10}));

    strip.setAxis(StripAxis::LogSnr);
    // Evenly in log SNR: the middle of the track is the level halfway, t = 70 here, not 50.
    const int middle = (strip.positionOf(0).x() + strip.positionOf(99).x()) / 2;
    QVERIFY2(std::abs(strip.timestepAt(middle) - 70) <= 1, qPrintable(QString::number(strip.timestepAt(middle))));
    for (int t : {0, 20, 50, 71, 90, 99}) QVERIFY2(std::abs(strip.timestepAt(strip.positionOf(t).x()) - t) <= 1, qPrintable(QString::number(t)));
    QTest::mousePress(&strip, Qt::LeftButton, {}, strip.positionOf(10));
    QTest::mouseMove(&strip, strip.positionOf(40));
    QTest::mouseRelease(&strip, Qt::LeftButton, {}, strip.positionOf(40));
    QCOMPARE(changed.last().first().value<QVector<int>>(), (QVector<int>{80, 40}));
  }

  void setupPanelRefusesWhatCannotRun() {
    TrainingSetupPanel panel;
    TrainingSettings s;
    s.runDir = "/tmp/run";
    panel.setSettings(s);
    QVERIFY(panel.startButton()->isEnabled());
    s.config.warmup = 5000;
    s.config.ramp_end = 100;
    panel.setSettings(s);
    QVERIFY(!panel.startButton()->isEnabled());
    QVERIFY(panel.problem().contains("warm-up"));
    s = TrainingSettings();
    s.runDir = "/tmp/run";
    s.config.check_n = 1;  // one sample has no spread to measure
    panel.setSettings(s);
    QVERIFY(!panel.startButton()->isEnabled());
    QVERIFY(panel.problem().contains("check_n"));
    s = TrainingSettings();
    s.runDir = "/tmp/run";
    s.config.beta.T = 50;
    s.config.keep = 80.0 / 50;  // the spin box caps K at T
    panel.setSettings(s);
    QCOMPARE(panel.settings().config.steps_kept(), 50);
    s.runDir.clear();
    panel.setSettings(s);
    QVERIFY(!panel.startButton()->isEnabled());
  }

  // A finished run's verdict stays under the progress bar until the next run starts.
  void verdictShowsUntilTheNextRun() {
    TrainingSetupPanel panel;
    QCOMPARE(panel.verdict(), QString());
    panel.showVerdict("Learned 10 steps lose: SWD 0.3000. Use karras instead: 999 500 0.", false);
    QCOMPARE(panel.verdict(), QString("Learned 10 steps lose: SWD 0.3000. Use karras instead: 999 500 0."));
    panel.setState(TrainingSetupPanel::State::Idle);
    QVERIFY(!panel.verdict().isEmpty());
    panel.setState(TrainingSetupPanel::State::Running);
    QCOMPARE(panel.verdict(), QString());
  }

  // The data path's label says what a CSV run wants: a file, not a folder.
  void dataPathLabelFollowsTheData() {
    TrainingSetupPanel panel;
    auto labelled = [&panel](const QString& text) {
      for (QLabel* label : panel.findChildren<QLabel*>())
        if (label->text() == text) return true;
      return false;
    };
    TrainingSettings s;
    s.runDir = "/tmp/run";
    s.config.data = "csv:/tmp/sines.csv";
    panel.setSettings(s);
    QVERIFY(labelled("Data f&ile") && !labelled("Data f&older"));
    s.config.data = "folder:/tmp/pictures";
    panel.setSettings(s);
    QVERIFY(labelled("Data f&older") && !labelled("Data f&ile"));
  }

  void ratesStayReadableBelowOneIterationASecond() {
    QCOMPARE(TrainingSetupPanel::formatRate(412.4), QString("412"));
    QCOMPARE(TrainingSetupPanel::formatRate(4.43), QString("4.4"));
    QCOMPARE(TrainingSetupPanel::formatRate(0.187), QString("0.19"));
  }

  void liveChangesAreOfferedOnlyWhileRunning() {
    TrainingSetupPanel panel;
    TrainingSettings s;
    s.runDir = "/tmp/run";
    panel.setSettings(s);
    QSignalSpy live(&panel, &TrainingSetupPanel::liveSettingsChanged);
    s.config.lr_s = 0.05;
    panel.setSettings(s);
    QCOMPARE(live.count(), 0);
    panel.setState(TrainingSetupPanel::State::Running);
    s.config.lr_s = 0.02;
    panel.setSettings(s);
    QVERIFY(live.count() >= 1);
    QCOMPARE(live.last().at(0).toDouble(), 0.02);
    QVERIFY(!panel.startButton()->isEnabled());
    QVERIFY(panel.stopButton()->isEnabled());
  }
};

QTEST_MAIN(TestWidgets)
#include "test_widgets.moc"
