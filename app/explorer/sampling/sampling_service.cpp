// Torch before Qt (see training_worker.cpp).
#include <torch/torch.h>

#include "atomic_file.h"
#include "checkpoint.h"
#include "handcrafted_schedules.h"
#include "imputation_export.h"
#include "mask_semantics.h"
#include "png_file.h"
#include "sample_export.h"
#include "rng.h"
#include "sampler.h"
#include "schedule_meter.h"
#include "schedule_factory.h"
#include "schedule_file.h"
#include "schedule_import.h"
#include "series_dataset.h"
#include "sha256.h"

#include "sampling_service.h"
#include "tensor_images.h"

#include <QFileInfo>

#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <optional>

namespace eddpm::explorer {

struct SamplingService::Impl {
  std::optional<TrainedModel> run;
  QString checkpoint;
  // Rows of a chain per sample: a time-series sample imputes every test window, in one batch.
  int64_t rowsPerSample = 1;
};

namespace {
std::vector<int> to_std(const QVector<int>& v) { return {v.begin(), v.end()}; }

QVector<double> interleaved(const torch::Tensor& points) {
  const torch::Tensor p = points.to(torch::kCPU, torch::kFloat64).contiguous();
  return QVector<double>(p.data_ptr<double>(), p.data_ptr<double>() + p.numel());
}

QString first_line(const std::exception& e) { return QString::fromStdString(e.what()).section('\n', 0, 0); }

template <typename T>
QVector<T> flat(const torch::Tensor& t, torch::Dtype dtype) {
  const torch::Tensor c = t.to(torch::kCPU, dtype).contiguous();
  return QVector<T>(c.data_ptr<T>(), c.data_ptr<T>() + c.numel());
}

// The test windows the imputations fill, in the data's units: the engine's export frame.
SeriesFrame series_frame(const ImputationMeter& imputer) {
  const ImputationTask& task = imputer.task();
  const ImputedWindows windows = imputed_test_windows(imputer.data(), task, {});
  const torch::Tensor truth = windows.truth.to(torch::kFloat64);
  const torch::Tensor none = torch::full_like(truth, std::numeric_limits<double>::quiet_NaN());
  SeriesFrame frame;
  frame.windows = int(truth.size(0));
  frame.series = int(truth.size(1));
  frame.length = int(truth.size(2));
  for (const std::string& name : windows.series_names) frame.seriesNames << QString::fromStdString(name);
  for (const std::vector<std::string>& labels : windows.time_labels) {
    QStringList window;
    for (const std::string& label : labels) window << QString::fromStdString(label);
    frame.timeLabels.append(window);
  }
  frame.observed = flat<double>(torch::where(task.condition > 0.5, truth, none), torch::kFloat64);
  frame.hidden = flat<double>(torch::where(task.target > 0.5, truth, none), torch::kFloat64);
  return frame;
}

// A measure's imputations (standardized, (S, W, series, L)) as the page draws and exports them.
void fill_series(SampleOutcome& o, const ScheduleMeasure& m, const SeriesDataset& data) {
  const torch::Tensor x = in_original_units(m.samples, data.scale(), -2).to(torch::kFloat64);
  const torch::Tensor q = torch::quantile(x, torch::tensor({0.5, 0.05, 0.95}, torch::kFloat64), 0);
  o.median = flat<double>(q[0], torch::kFloat64);
  o.low = flat<double>(q[1], torch::kFloat64);
  o.high = flat<double>(q[2], torch::kFloat64);
  o.imputations = flat<float>(x, torch::kFloat32);
  o.imputationCount = int(x.size(0));
  if (m.imputation) o.scores = {m.imputation->mae, m.imputation->rmse, m.imputation->crps};
  if (m.imputation_original)
    o.scoresOriginal = {m.imputation_original->mae, m.imputation_original->rmse, m.imputation_original->crps};
  o.fidelity = m.fidelity;
  o.seconds = m.seconds;
}
}  // namespace

SamplingService::SamplingService() : impl_(std::make_unique<Impl>()) {}
SamplingService::~SamplingService() = default;

bool SamplingService::load(const QString& checkpoint, QString* error) {
  try {
    auto run = load_checkpoint(checkpoint.toStdString(), "auto");
    const auto* series = dynamic_cast<const SeriesDataset*>(run.data.get());
    // A load cannot be cut inside LibTorch; a cancelled one keeps the previous model, as the page
    // (which then shows the previous model) expects.
    if (cancel_ && cancel_->load()) {
      if (error) *error = QObject::tr("cancelled");
      return false;
    }
    impl_->run = std::move(run);
    impl_->checkpoint = checkpoint;
    impl_->rowsPerSample = series ? series->test_windows().size(0) : 1;
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
bool SamplingService::seriesModel() const { return impl_->run && impl_->run->data->is_series(); }

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
    if (r.kind == "manual" && !r.manualText.isEmpty()) {
      const ImportedSchedule imported = import_schedule(r.manualText.toStdString(), run.noise);
      steps = imported.timesteps;
      view.note = QString::fromStdString(describe(imported));
    } else if (r.kind == "manual") {
      steps = normalized_schedule(to_std(r.manual), T());
    } else if (r.kind == "file") {
      // Any form the exports write: our JSON, a sigma line, an A1111 list (schedule_import.h).
      const ImportedSchedule file = import_schedule(read_text_file(r.file.toStdString(), 16u << 20), run.noise);
      steps = r.K > 0 && r.K != int(file.timesteps.size()) ? resample_schedule(file.timesteps, r.K, run.noise)
                                                           : file.timesteps;
      view.name = QFileInfo(r.file).fileName();
    } else {
      at::Generator gen = make_cpu_generator(17);
      steps = make_schedule(schedule_kind_from_string(r.kind.toStdString()), r.K, run, gen);
    }
    // Under another solver than DDIM the same steps are another row: its name says which.
    if (r.solver.kind != SolverKind::Ddim) view.name += " · " + QString::fromStdString(r.solver.name());
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

namespace {
// One name per solver setting: the meters and full chains are kept per solver.
std::string solver_key(const Solver& s) { return s.name() + "@" + std::to_string(s.eta); }
}  // namespace

QVector<widgets::ScheduleView> SamplingService::startJob(const QVector<ScheduleRequest>& requests, int n,
                                                         bool fullChains, QVector<QString>* errors) {
  QVector<widgets::ScheduleView> views;
  errors->fill(QString(), requests.size());
  int64_t calls = 0;
  std::set<std::string> solvers;
  for (int i = 0; i < requests.size(); ++i) {
    views.append(schedule(requests[i], &(*errors)[i]));
    calls += requests[i].solver.nfe(views.back().timesteps.size());
    if (fullChains && solvers.insert(solver_key(requests[i].solver)).second) calls += requests[i].solver.nfe(T());
  }
  done_ = 0;
  total_ = int64_t(n) * impl_->rowsPerSample * calls;
  return views;
}

SampleResults SamplingService::sample(const QVector<ScheduleRequest>& requests, int n, quint64 seed) {
  SampleResults results;
  if (!impl_->run || requests.isEmpty()) return results;
  const TrainedModel& run = *impl_->run;
  std::map<std::string, std::unique_ptr<ScheduleMeter>> meters;
  auto meter_of = [&](const Solver& solver) -> ScheduleMeter& {
    std::unique_ptr<ScheduleMeter>& m = meters[solver_key(solver)];
    if (!m) {
      m = std::make_unique<ScheduleMeter>(run, n, seed, solver);
      m->set_cancel(cancel_);
      m->set_progress(&done_);
    }
    return *m;
  };
  QVector<QString> errors;
  const QVector<widgets::ScheduleView> views = startJob(requests, n, true, &errors);
  const bool images = run.data->is_image();
  const auto* series = dynamic_cast<const SeriesDataset*>(run.data.get());
  ScheduleMeter& reference = meter_of(requests.front().solver);
  if (images) results.fullChain = to_qimages(reference.full_chain(), kShownImages);
  if (series) {
    // The full chain first: it is every row's fidelity reference, and the table's reference row.
    results.series = series_frame(*reference.imputer());
    SampleOutcome& full = results.full;
    for (int t = T() - 1; t >= 0; --t) full.schedule.timesteps.append(t);
    full.schedule.name = QObject::tr("full chain");
    full.solver = requests.front().solver;
    full.nfe = full.solver.nfe(T());
    MeasureParts parts;
    parts.fidelity = false;  // the full chain is fidelity's reference itself
    fill_series(full, reference.measure(full_schedule(T()), parts), *series);
  }
  for (int i = 0; i < requests.size(); ++i) {
    check_cancel(cancel_);
    SampleOutcome outcome;
    outcome.schedule = views[i];
    outcome.solver = requests[i].solver;
    outcome.nfe = requests[i].solver.nfe(views[i].timesteps.size());
    if (!errors[i].isEmpty() || outcome.schedule.timesteps.isEmpty()) {
      outcome.error = errors[i].isEmpty() ? QObject::tr("empty schedule") : errors[i];
      results.outcomes.append(outcome);
      continue;
    }
    try {
      ScheduleMeter& meter = meter_of(requests[i].solver);
      const ScheduleMeasure m = meter.measure(to_std(outcome.schedule.timesteps));
      if (series) {
        fill_series(outcome, m, *series);
        results.outcomes.append(outcome);
        continue;
      }
      if (images) {
        outcome.images = to_qimages(m.samples, kShownImages);
        outcome.difference = difference_images(m.samples, meter.full_chain(), kShownImages);
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
  if (series) return results;  // imputation has no real-data floor
  const ScheduleMeasure floor = reference.real_floor();
  results.floor.schedule.name = QObject::tr("real data (floor)");
  results.floor.swd = floor.swd;
  results.floor.mmd = floor.mmd;
  results.floor.fd = floor.fd;
  return results;
}

QVector<PathStrip> SamplingService::path(const QVector<ScheduleRequest>& requests, int index, int n, quint64 seed) {
  QVector<PathStrip> strips;
  if (!impl_->run || index < 0 || index >= n) return strips;
  const TrainedModel& run = *impl_->run;
  QVector<QString> errors;
  const QVector<widgets::ScheduleView> views = startJob(requests, n, false, &errors);
  for (int i = 0; i < requests.size(); ++i) {
    check_cancel(cancel_);
    PathStrip strip;
    strip.schedule = views[i].name;
    strip.timesteps = views[i].timesteps;
    strip.error = errors[i];
    if (strip.error.isEmpty() && !strip.timesteps.isEmpty()) {
      // The whole draw is sampled as sample() does, so the path ends in the very image the grid shows.
      std::vector<torch::Tensor> predictions;
      sample_schedule(run, to_std(strip.timesteps), n, seed, requests[i].solver, cancel_, &done_,
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
    if (K <= T()) total += int64_t(n) * impl_->rowsPerSample * K * kinds.size();
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

bool SamplingService::saveSchedule(const widgets::ScheduleView& schedule, const Solver& solver, ScheduleFormat format,
                                   const QString& path, QString* error) {
  if (!impl_->run) return false;
  try {
    ScheduleFile file = make_schedule_file(impl_->run->noise, impl_->run->config.semantics,
                                           to_std(schedule.timesteps), schedule.name.toStdString());
    file.solver = solver;
    file.checkpoint_sha256 = sha256_file(impl_->checkpoint.toStdString());
    file.prediction = impl_->run->config.prediction;
    save_schedule(file, path.toStdString(), format);
    return true;
  } catch (const std::exception& e) {
    if (error) *error = first_line(e);
    return false;
  }
}

bool SamplingService::saveImputations(const SampleOutcome& outcome, const SeriesFrame& frame, const QString& path,
                                      QString* error) {
  try {
    if (!path.endsWith(".csv", Qt::CaseInsensitive))
      throw std::invalid_argument("imputations are written as CSV: name the file .csv");
    const int64_t values = int64_t(frame.windows) * frame.series * frame.length;
    if (frame.empty() || outcome.imputationCount < 1 || outcome.imputations.size() != outcome.imputationCount * values)
      throw std::invalid_argument("no imputations of this model's test windows to save: sample first");
    const std::vector<int64_t> window_shape = {frame.windows, frame.series, frame.length};
    ImputedWindows out;
    std::vector<int64_t> shape = {outcome.imputationCount};
    shape.insert(shape.end(), window_shape.begin(), window_shape.end());
    out.samples = torch::tensor(std::vector<float>(outcome.imputations.begin(), outcome.imputations.end())).reshape(shape);
    const torch::Tensor observed =
        torch::tensor(std::vector<double>(frame.observed.begin(), frame.observed.end()), torch::kFloat64).reshape(window_shape);
    const torch::Tensor hidden =
        torch::tensor(std::vector<double>(frame.hidden.begin(), frame.hidden.end()), torch::kFloat64).reshape(window_shape);
    out.condition = (~torch::isnan(observed)).to(torch::kFloat64);
    out.truth = torch::where(torch::isnan(observed), hidden, observed);
    for (const QString& name : frame.seriesNames) out.series_names.push_back(name.toStdString());
    for (const QStringList& labels : frame.timeLabels) {
      out.time_labels.emplace_back();
      for (const QString& label : labels) out.time_labels.back().push_back(label.toStdString());
    }
    save_imputations_csv(out, path.toStdString());
    return true;
  } catch (const std::exception& e) {
    if (error) *error = first_line(e);
    return false;
  }
}

bool SamplingService::saveImage(const QImage& image, const widgets::ScheduleView& schedule, const Solver& solver,
                                quint64 seed, int n, const QString& path, QString* error) {
  try {
    const QImage rgb = image.convertToFormat(QImage::Format_RGB888);
    RgbImage out;
    out.width = rgb.width();
    out.height = rgb.height();
    for (int y = 0; y < rgb.height(); ++y)
      out.pixels.insert(out.pixels.end(), rgb.constScanLine(y), rgb.constScanLine(y) + 3 * rgb.width());
    const SampleProvenance provenance{schedule.name.toStdString(), to_std(schedule.timesteps), solver, seed,
                                      impl_->checkpoint.toStdString()};
    save_png(out, path.toStdString(), {{"parameters", describe(provenance, n)}});
    return true;
  } catch (const std::exception& e) {
    if (error) *error = first_line(e);
    return false;
  }
}

bool SamplingService::savePoints(const SampleOutcome& outcome, const Solver& solver, quint64 seed, const QString& path,
                                 QString* error) {
  try {
    const int n = outcome.points.size() / 2;
    const torch::Tensor points =
        torch::tensor(std::vector<double>(outcome.points.begin(), outcome.points.end()), torch::kFloat64).reshape({n, 2});
    if (path.endsWith(".png", Qt::CaseInsensitive)) {
      const SampleProvenance provenance{outcome.schedule.name.toStdString(), to_std(outcome.schedule.timesteps),
                                        solver, seed, impl_->checkpoint.toStdString()};
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
