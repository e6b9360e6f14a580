// Torch before Qt (see training_worker.cpp).
#include <torch/torch.h>

#include "atomic_file.h"
#include "checkpoint.h"
#include "handcrafted_schedules.h"
#include "mask_semantics.h"
#include "png_file.h"
#include "sample_export.h"
#include "rng.h"
#include "sampler.h"
#include "schedule_meter.h"
#include "schedule_factory.h"
#include "schedule_file.h"

#include "sampling_service.h"
#include "tensor_images.h"

#include <QFileInfo>

#include <cmath>
#include <optional>

namespace eddpm::explorer {

struct SamplingService::Impl {
  std::optional<TrainedModel> run;
  QString checkpoint;
};

namespace {
std::vector<int> to_std(const QVector<int>& v) { return {v.begin(), v.end()}; }

QVector<double> interleaved(const torch::Tensor& points) {
  const torch::Tensor p = points.to(torch::kCPU, torch::kFloat64).contiguous();
  return QVector<double>(p.data_ptr<double>(), p.data_ptr<double>() + p.numel());
}

QString first_line(const std::exception& e) { return QString::fromStdString(e.what()).section('\n', 0, 0); }
}  // namespace

SamplingService::SamplingService() : impl_(std::make_unique<Impl>()) {}
SamplingService::~SamplingService() = default;

bool SamplingService::load(const QString& checkpoint, QString* error) {
  try {
    auto run = load_checkpoint(checkpoint.toStdString(), "auto");
    // A load cannot be cut inside LibTorch; a cancelled one keeps the previous model, as the page
    // (which then shows the previous model) expects.
    if (cancel_ && cancel_->load()) {
      if (error) *error = QObject::tr("cancelled");
      return false;
    }
    impl_->run = std::move(run);
    impl_->checkpoint = checkpoint;
    return true;
  } catch (const std::exception& e) {
    if (error) *error = first_line(e);
    return false;
  }
}

bool SamplingService::loaded() const { return impl_->run.has_value(); }
QString SamplingService::checkpoint() const { return impl_->checkpoint; }
int SamplingService::T() const { return impl_->run ? impl_->run->noise.T() : 0; }
QString SamplingService::dataName() const {
  return impl_->run ? QString::fromStdString(impl_->run->config.data) : QString();
}

bool SamplingService::imageModel() const { return impl_->run && impl_->run->data->is_image(); }

QString SamplingService::sweepMeasure() const {
  return impl_->run ? QString::fromStdString(check_name(*impl_->run)) : QString("SWD");
}

QVector<double> SamplingService::halfLogSnr() const {
  QVector<double> levels;
  if (!impl_->run) return levels;
  for (int t = 0; t < T(); ++t) levels.append(0.5 * std::log(impl_->run->noise.snr(t)));
  return levels;
}

widgets::ScheduleView SamplingService::schedule(const ScheduleRequest& r, QString* error) {
  widgets::ScheduleView view;
  view.name = r.kind;
  if (!impl_->run) {
    if (error) *error = QObject::tr("load a checkpoint first");
    return view;
  }
  try {
    const TrainedModel& run = *impl_->run;
    std::vector<int> steps;
    if (r.kind == "manual") {
      steps = normalized_schedule(to_std(r.manual), T());
    } else if (r.kind == "file") {
      const ScheduleFile file = load_schedule_json(r.file.toStdString());
      if (file.beta.T != T()) throw std::invalid_argument("the file is for T=" + std::to_string(file.beta.T));
      steps = r.K > 0 && r.K != int(file.timesteps.size()) ? resample_schedule(file.timesteps, r.K, run.noise)
                                                           : file.timesteps;
      view.name = QFileInfo(r.file).fileName();
    } else {
      at::Generator gen = make_cpu_generator(17);
      steps = make_schedule(schedule_kind_from_string(r.kind.toStdString()), r.K, run, gen);
    }
    // The levels this model samples with: under paper semantics they depend on the whole schedule.
    const std::vector<double> levels = kept_levels(run.noise, run.config.semantics, steps);
    for (size_t i = 0; i < steps.size(); ++i) {
      view.timesteps.append(steps[i]);
      view.logSnr.append(0.5 * std::log(levels[i] / (1.0 - levels[i])));
    }
  } catch (const std::exception& e) {
    if (error) *error = first_line(e);
  }
  return view;
}

QVector<widgets::ScheduleView> SamplingService::startJob(const QVector<ScheduleRequest>& requests, int n,
                                                         int extraSteps, QVector<QString>* errors) {
  QVector<widgets::ScheduleView> views;
  errors->fill(QString(), requests.size());
  int64_t steps = extraSteps;
  for (int i = 0; i < requests.size(); ++i) {
    views.append(schedule(requests[i], &(*errors)[i]));
    steps += views.back().timesteps.size();
  }
  done_ = 0;
  total_ = int64_t(n) * steps;
  return views;
}

SampleResults SamplingService::sample(const QVector<ScheduleRequest>& requests, int n, double eta, quint64 seed) {
  SampleResults results;
  if (!impl_->run) return results;
  const TrainedModel& run = *impl_->run;
  ScheduleMeter meter(run, n, seed, eta);
  meter.set_cancel(cancel_);
  meter.set_progress(&done_);
  // The schedules first (their steps give the job's total), then the full chain all compare with.
  QVector<QString> errors;
  const QVector<widgets::ScheduleView> views = startJob(requests, n, run.noise.T(), &errors);
  const bool images = run.data->is_image();
  const torch::Tensor& full = meter.full_chain();
  if (images) results.fullChain = to_qimages(full, kShownImages);
  for (int i = 0; i < requests.size(); ++i) {
    check_cancel(cancel_);
    SampleOutcome outcome;
    outcome.schedule = views[i];
    if (!errors[i].isEmpty() || outcome.schedule.timesteps.isEmpty()) {
      outcome.error = errors[i].isEmpty() ? QObject::tr("empty schedule") : errors[i];
      results.outcomes.append(outcome);
      continue;
    }
    try {
      const ScheduleMeasure m = meter.measure(to_std(outcome.schedule.timesteps));
      if (images) {
        outcome.images = to_qimages(m.samples, kShownImages);
        outcome.difference = difference_images(m.samples, full, kShownImages);
      } else {
        outcome.points = interleaved(m.samples);
      }
      outcome.swd = m.swd;
      outcome.mmd = m.mmd;
      outcome.fd = m.fd;
      outcome.fidelity = m.fidelity;
      outcome.fidelitySwd = m.fidelity_swd;
      outcome.fidelityFd = m.fidelity_fd;
      outcome.seconds = m.seconds;
    } catch (const Cancelled&) {
      throw;
    } catch (const std::exception& e) {
      outcome.error = first_line(e);
    }
    results.outcomes.append(outcome);
  }
  const ScheduleMeasure floor = meter.real_floor();
  results.floor.schedule.name = QObject::tr("real data (floor)");
  results.floor.swd = floor.swd;
  results.floor.mmd = floor.mmd;
  results.floor.fd = floor.fd;
  return results;
}

QVector<PathStrip> SamplingService::path(const QVector<ScheduleRequest>& requests, int index, int n, double eta,
                                         quint64 seed) {
  QVector<PathStrip> strips;
  if (!impl_->run || index < 0 || index >= n) return strips;
  const TrainedModel& run = *impl_->run;
  QVector<QString> errors;
  const QVector<widgets::ScheduleView> views = startJob(requests, n, 0, &errors);
  for (int i = 0; i < requests.size(); ++i) {
    check_cancel(cancel_);
    PathStrip strip;
    strip.schedule = views[i].name;
    strip.timesteps = views[i].timesteps;
    strip.error = errors[i];
    if (strip.error.isEmpty() && !strip.timesteps.isEmpty()) {
      // The whole draw is sampled as sample() does, so the path ends in the very image the grid shows.
      std::vector<torch::Tensor> predictions;
      sample_schedule(run, to_std(strip.timesteps), n, seed, eta, cancel_, &done_,
                      [&predictions, index](int64_t first_row, int, const torch::Tensor& x0) {
                        const int64_t row = index - first_row;
                        if (row >= 0 && row < x0.size(0)) predictions.push_back(x0.slice(0, row, row + 1).cpu());
                      });
      strip.predictions = to_qimages(torch::cat(predictions), int64_t(predictions.size()));
    }
    strips.append(strip);
  }
  return strips;
}

QVector<double> SamplingService::referencePoints(int n, quint64 seed) {
  if (!impl_->run) return {};
  at::Generator gen = make_cpu_generator(seed + 99);
  return interleaved(impl_->run->data->sample(n, gen));
}

QVector<SweepPoint> SamplingService::sweep(const QStringList& kinds, const QVector<int>& Ks, int n, quint64 seed) {
  QVector<SweepPoint> points;
  if (!impl_->run) return points;
  ScheduleMeter meter(*impl_->run, n, seed);
  meter.set_cancel(cancel_);
  meter.set_progress(&done_);
  done_ = 0;
  int64_t total = 0;
  for (int K : Ks)
    if (K <= T()) total += int64_t(n) * K * kinds.size();
  total_ = total;
  for (const QString& kind : kinds) {
    for (int K : Ks) {
      check_cancel(cancel_);
      if (K > T()) continue;
      QString error;
      const widgets::ScheduleView view = schedule({kind, K, {}, {}}, &error);
      if (!error.isEmpty() || view.timesteps.isEmpty()) continue;
      points.append({kind, int(view.timesteps.size()), meter.check(to_std(view.timesteps)).value});
    }
  }
  return points;
}

bool SamplingService::saveSchedule(const widgets::ScheduleView& schedule, const QString& path, QString* error) {
  if (!impl_->run) return false;
  try {
    const ScheduleFile file = make_schedule_file(impl_->run->noise, impl_->run->config.semantics,
                                                 to_std(schedule.timesteps), schedule.name.toStdString());
    if (path.endsWith(".csv", Qt::CaseInsensitive))
      save_schedule_csv(file, path.toStdString());
    else
      save_schedule_json(file, path.toStdString());
    return true;
  } catch (const std::exception& e) {
    if (error) *error = first_line(e);
    return false;
  }
}

bool SamplingService::saveImage(const QImage& image, const widgets::ScheduleView& schedule, double eta, quint64 seed,
                                int n, const QString& path, QString* error) {
  try {
    const QImage rgb = image.convertToFormat(QImage::Format_RGB888);
    RgbImage out;
    out.width = rgb.width();
    out.height = rgb.height();
    for (int y = 0; y < rgb.height(); ++y)
      out.pixels.insert(out.pixels.end(), rgb.constScanLine(y), rgb.constScanLine(y) + 3 * rgb.width());
    const SampleProvenance provenance{schedule.name.toStdString(), to_std(schedule.timesteps), eta, seed,
                                      impl_->checkpoint.toStdString()};
    save_png(out, path.toStdString(), {{"parameters", describe(provenance, n)}});
    return true;
  } catch (const std::exception& e) {
    if (error) *error = first_line(e);
    return false;
  }
}

bool SamplingService::savePoints(const SampleOutcome& outcome, double eta, quint64 seed, const QString& path,
                                 QString* error) {
  try {
    const int n = outcome.points.size() / 2;
    const torch::Tensor points =
        torch::tensor(std::vector<double>(outcome.points.begin(), outcome.points.end()), torch::kFloat64).reshape({n, 2});
    if (path.endsWith(".png", Qt::CaseInsensitive)) {
      const SampleProvenance provenance{outcome.schedule.name.toStdString(), to_std(outcome.schedule.timesteps), eta,
                                        seed, impl_->checkpoint.toStdString()};
      at::Generator gen = make_cpu_generator(seed + 99);
      save_samples_png(points, impl_->run ? impl_->run->data->sample(n, gen) : torch::Tensor(), path.toStdString(),
                       provenance);
    } else {
      save_samples_csv(points, path.toStdString());
    }
    return true;
  } catch (const std::exception& e) {
    if (error) *error = first_line(e);
    return false;
  }
}

}  // namespace eddpm::explorer
