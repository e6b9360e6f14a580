#include "schedule_meter.h"

#include <chrono>
#include <cstdio>
#include <stdexcept>

#include <torch/torch.h>

#include "handcrafted_schedules.h"
#include "mask_semantics.h"
#include "mnist_files.h"
#include "rng.h"
#include "sample_metrics.h"
#include "sampler.h"

namespace eddpm {

std::string check_name(const TrainedModel& run) {
  if (run.config.series_data()) return "CRPS";
  return mnist_dir_of(run.config.data) ? "FD-LeNet" : "SWD";
}

ScheduleMeter::ScheduleMeter(const TrainedModel& run, int64_t n, uint64_t seed, Solver solver, const FdLenet::Log& log)
    : run_(run), n_(n), seed_(seed), solver_(solver), data_gen_(make_cpu_generator(seed + 1000003)) {
  if (run.data->is_series()) {
    imputer_ = std::make_shared<ImputationMeter>(run, n, seed, solver);
    return;
  }
  real_ = run.data->held_out(n, data_gen_);
  if (const auto mnist_dir = mnist_dir_of(run.config.data)) {
    lenet_ = std::make_shared<FdLenet>(*mnist_dir, run.config.image_size(), run.device, log);
    real_moments_ = feature_moments(lenet_->features(real_));
  }
}

std::string check_value_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, value >= 100 ? "%.1f" : value >= 1 ? "%.3f" : "%.4f", value);
  return text;
}

const torch::Tensor& ScheduleMeter::full_chain() {
  if (full_.defined()) return full_;
  const std::vector<int> full = full_schedule(run_.noise.T());
  full_ = imputer_ ? imputer_->impute(full, cancel_, progress_).samples
                   : sample_schedule(run_, full, n_, seed_, solver_, cancel_, progress_);
  return full_;
}

void ScheduleMeter::measure_against_real(ScheduleMeasure& m, bool with_mmd) const {
  const bool same_count = m.samples.size(0) == real_.size(0);
  m.swd = same_count ? sliced_wasserstein(m.samples, real_) : -1.0;
  if (with_mmd) m.mmd = mmd_rbf(m.samples, real_);
  if (lenet_) m.fd = frechet_distance(feature_moments(lenet_->features(m.samples)), real_moments_);
}

ScheduleMeasure ScheduleMeter::measure(const std::vector<int>& timesteps, MeasureParts parts) {
  if (imputer_) return measure_imputations(timesteps, parts.fidelity);
  ScheduleMeasure m;
  const auto start = std::chrono::steady_clock::now();
  m.samples = sample_schedule(run_, timesteps, n_, seed_, solver_, cancel_, progress_);
  m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (parts.against_data) measure_against_real(m, parts.mmd);
  else if (parts.mmd) m.mmd = mmd_rbf(m.samples, real_);
  const bool is_full_chain = int(timesteps.size()) == run_.noise.T();
  if (is_full_chain && !full_.defined()) full_ = m.samples;  // sampled once, whoever asks first
  if (parts.fidelity && !is_full_chain) {
    m.fidelity = paired_mean_squared(m.samples, full_chain());
    m.fidelity_swd = sliced_wasserstein(m.samples, full_);
    if (lenet_) {
      if (!full_moments_.mean.defined()) full_moments_ = feature_moments(lenet_->features(full_));
      m.fidelity_fd = frechet_distance(feature_moments(lenet_->features(m.samples)), full_moments_);
    }
  }
  return m;
}

ScheduleMeasure ScheduleMeter::measure_imputations(const std::vector<int>& timesteps, bool with_fidelity) {
  ScheduleMeasure m;
  m.swd = m.mmd = m.fidelity_swd = -1.0;
  const auto start = std::chrono::steady_clock::now();
  ImputationResult r = imputer_->impute(timesteps, cancel_, progress_);
  m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  m.samples = r.samples;
  m.imputation = r.scores;
  m.imputation_original = r.scores_original;
  const bool is_full_chain = int(timesteps.size()) == run_.noise.T();
  if (is_full_chain && !full_.defined()) full_ = m.samples;
  if (with_fidelity && !is_full_chain) m.fidelity = imputer_->distance(m.samples, full_chain());
  return m;
}

ScheduleMeter::Check ScheduleMeter::check(const std::vector<int>& timesteps) {
  if (imputer_) {
    ImputationResult r = imputer_->impute(timesteps, cancel_, progress_);
    return {r.scores.crps, r.samples};
  }
  Check c;
  c.samples = sample_schedule(run_, timesteps, n_, seed_, solver_, cancel_, progress_);
  c.value = lenet_ ? frechet_distance(feature_moments(lenet_->features(c.samples)), real_moments_)
                   : sliced_wasserstein(c.samples, real_);
  return c;
}

ScheduleMeasure ScheduleMeter::real_floor() {
  if (imputer_) throw std::logic_error("imputation has no real-data floor");
  ScheduleMeasure m;
  m.samples = run_.data->sample(n_, data_gen_);
  measure_against_real(m);
  return m;
}

}  // namespace eddpm
