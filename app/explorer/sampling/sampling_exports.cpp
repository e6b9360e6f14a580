// The Sample & compare page's exports: schedules, samples, image grids, single samples, denoising
// paths and the comparison table with its montage. Every file is written to a temporary name and
// renamed; nothing is read from the service while a job's thread uses it.
#include "sampling_page.h"

#include <QFileDialog>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPainter>

#include "denoising_path_view.h"
#include "elided_label.h"
#include "image_comparison_view.h"
#include "image_grid_view.h"
#include "imputation_plot.h"
#include "point_cloud_view.h"
#include "sampling_text.h"
#include "save_file.h"

namespace eddpm::explorer {

namespace {
// Exports read the service: never while a job's thread uses it.
bool refuseWhileBusy(bool busy, QString* error) {
  if (busy && error) *error = QObject::tr("Wait for the running job to end (or cancel it with Esc)");
  return busy;
}
}  // namespace

bool SamplingPage::saveSchedule(int index, const QString& path, QString* error, const QString& format) {
  if (refuseWhileBusy(busy(), error)) return false;
  if (index < 0 || index >= preview_.size()) return false;
  const QVector<ScheduleRequest> list = requests();  // preview_ holds one view per request
  const Solver solver = index < list.size() ? list[index].solver : Solver{};
  try {
    const auto by_path = schedule_format_of_path(path.toStdString());
    const ScheduleFormat chosen = !format.isEmpty() ? schedule_format_from_string(format.toStdString())
                                  : by_path         ? *by_path
                                                    : ScheduleFormat::ComfyUi;
    return service_.saveSchedule(preview_[index], solver, chosen, path, error);
  } catch (const std::invalid_argument& e) {
    if (error) *error = QString::fromStdString(e.what());
    return false;
  }
}

bool SamplingPage::saveSamples(int index, const QString& path, QString* error) {
  if (refuseWhileBusy(busy(), error)) return false;
  if (index < 0 || index >= outcomes_.size()) return false;
  return service_.savePoints(outcomes_[index], outcomes_[index].solver, quint64(seed_->value()), path, error);
}

void SamplingPage::exportImages() {
  if (outcomes_.isEmpty()) return emit failed(tr("Sample first"));
  const QString dir = QFileDialog::getExistingDirectory(this, tr("Write image grids to"));
  if (dir.isEmpty()) return;
  QString error;
  if (!saveGrid(-1, dir + "/grid_full.png", &error)) return emit failed(error);
  for (int i = 0; i < outcomes_.size(); ++i) {
    const QString name = fileStem(outcomes_[i].schedule.name);
    if (!saveGrid(i, dir + "/grid_" + name + ".png", &error)) return emit failed(error);
  }
  status_->setText(tr("Image grids written to %1").arg(dir));
}

bool SamplingPage::saveGrid(int index, const QString& path, QString* error) {
  if (refuseWhileBusy(busy(), error)) return false;
  if (!imageModel_ || index < -1 || index >= outcomes_.size() || images_->grids().size() != outcomes_.size() + 1) {
    if (error) *error = tr("No image grid %1 to save").arg(index);
    return false;
  }
  widgets::ScheduleView full;
  full.name = "full";
  for (int t = service_.T() - 1; t >= 0; --t) full.timesteps.append(t);
  const widgets::ScheduleView& schedule = index < 0 ? full : outcomes_[index].schedule;
  // The reference grid is the first row's solver's full chain (SamplingService::sample).
  const Solver solver = index < 0 ? (outcomes_.isEmpty() ? Solver{} : outcomes_.front().solver) : outcomes_[index].solver;
  // The grid as shown: the samples, or their differences when those are shown.
  return service_.saveImage(images_->grids()[index + 1]->grid(), schedule, solver, sampledSeed_, sampledN_, path,
                            error);
}

bool SamplingPage::saveSample(int index, int sample, const QString& path, QString* error) {
  if (refuseWhileBusy(busy(), error)) return false;
  if (index < 0 || index >= outcomes_.size() || sample < 0 || sample >= outcomes_[index].images.size()) {
    if (error) *error = tr("No sample %1 of schedule %2 to save").arg(sample).arg(index);
    return false;
  }
  return service_.saveImage(outcomes_[index].images[sample], outcomes_[index].schedule, outcomes_[index].solver, sampledSeed_,
                            sampledN_, path, error);
}

bool SamplingPage::savePaths(const QString& path, QString* error) {
  if (refuseWhileBusy(busy(), error)) return false;
  if (paths_.isEmpty()) {
    if (error) *error = tr("No denoising path to save");
    return false;
  }
  widgets::ScheduleView all;
  QStringList names;
  for (const PathStrip& p : paths_) names << p.schedule;
  all.name = tr("path of sample %1: %2").arg(images_->selectedSample()).arg(names.join(", "));
  const Solver solver = outcomes_.isEmpty() ? Solver{} : outcomes_.front().solver;  // the name says each strip's
  return service_.saveImage(pathView_->picture(), all, solver, sampledSeed_, sampledN_, path, error);
}

bool SamplingPage::saveComparison(const QString& path, QString* error) {
  if (refuseWhileBusy(busy(), error)) return false;
  QJsonArray rows;
  // FD-LeNet only where there is a classifier, as in `eddpm compare`'s report.
  // Time series: the keys of `eddpm compare`'s REPORT.json (standardized, and _orig in the data's units).
  auto quality = [this](const SampleOutcome& o) {
    if (seriesModel_)
      return QJsonObject{{"crps", o.scores.crps},          {"mae", o.scores.mae},
                         {"rmse", o.scores.rmse},          {"crps_orig", o.scoresOriginal.crps},
                         {"mae_orig", o.scoresOriginal.mae}, {"rmse_orig", o.scoresOriginal.rmse},
                         {"fidelity", o.fidelity}};
    QJsonObject q{{"swd", o.swd}, {"mmd", o.mmd}, {"fidelity", o.fidelity}, {"fidelity_swd", o.fidelitySwd}};
    if (o.fd >= 0) q["fd_lenet"] = o.fd;
    if (o.fidelityFd >= 0) q["fidelity_fd"] = o.fidelityFd;
    return q;
  };
  if (seriesModel_ && !seriesFrame_.empty())
    rows.append(QJsonObject{{"model", service_.checkpoint()}, {"schedule", "full"}, {"K", service_.T()},
                            {"solver", QString::fromStdString(fullSeries_.solver.name())}, {"nfe", fullSeries_.nfe},
                            {"samples", fullSeries_.imputationCount}, {"seed", qint64(sampledSeed_)},
                            {"quality", quality(fullSeries_)}, {"seconds", fullSeries_.seconds}});
  for (const SampleOutcome& o : outcomes_) {
    QJsonArray steps;
    for (int t : o.schedule.timesteps) steps.append(t);
    rows.append(QJsonObject{{"model", service_.checkpoint()}, {"schedule", o.schedule.name}, {"K", steps.size()},
                            {"timesteps", steps}, {"solver", QString::fromStdString(o.solver.name())},
                            {"eta", o.solver.eta}, {"nfe", o.nfe},
                            {"seed", seed_->value()},
                            {"quality", quality(o)}, {"seconds", o.seconds}});
  }
  if (!seriesModel_)
    rows.append(QJsonObject{{"model", service_.checkpoint()}, {"schedule", "real"}, {"n", sampledN_},
                            {"quality", quality(floor_)}});
  const QByteArray json = QJsonDocument(rows).toJson();
  bool ok = widgets::saveAtomically(path, error, [&](const QString& temporary) {
    QFile f(temporary);
    return f.open(QIODevice::WriteOnly) && f.write(json) == json.size();
  });
  // The montage: every result side by side in one picture beside the table.
  if (ok && seriesModel_ && !seriesFrame_.empty()) {
    ok = imputationPlot_->exportTo(path.left(path.lastIndexOf('.')) + ".png", error);
  } else if (ok && imageModel_ && !images_->grids().isEmpty()) {
    const QString png = path.left(path.lastIndexOf('.')) + ".png";
    ok = widgets::saveAtomically(png, error, [&](const QString& temporary) { return images_->picture().save(temporary, "PNG"); });
  } else if (ok && !views_.isEmpty()) {
    const QString png = path.left(path.lastIndexOf('.')) + ".png";
    ok = widgets::saveAtomically(png, error, [&](const QString& temporary) {
      QPixmap montage(views_.size() * 360, 360);
      montage.fill(Qt::white);
      QPainter painter(&montage);
      for (int i = 0; i < views_.size(); ++i) painter.drawPixmap(i * 360, 0, views_[i]->toPixmap(360, 360));
      return montage.save(temporary, "PNG");
    });
  }
  if (ok) status_->setText(tr("Comparison written to %1").arg(path));
  return ok;
}

}  // namespace eddpm::explorer
