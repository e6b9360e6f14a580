#include "schedule_meter.h"

#include <chrono>
#include <cstdio>

#include <torch/torch.h>

#include "handcrafted_schedules.h"
#include "mask_semantics.h"
#include "mnist_files.h"
#include "rng.h"
#include "sample_metrics.h"
#include "sampler.h"

namespace eddpm {

namespace {
constexpr int64_t kImageChunk = 1000;
}

torch::Tensor sample_schedule(EddpmTrainer& run, const std::vector<int>& timesteps, int64_t n,
                              uint64_t seed, double eta, const std::atomic<bool>* cancel,
                              std::atomic<int64_t>* progress, const PredictionHook& on_prediction) {
  at::Generator noise_gen = make_cpu_generator(seed);
  std::vector<int64_t> shape = run.sampling_model().sample_shape();
  shape.insert(shape.begin(), n);
  const torch::Tensor x_T = torch::randn(shape, noise_gen);
  at::Generator step_gen = make_generator(run.device(), seed + 1);
  const std::vector<double> levels = kept_levels(run.noise(), run.config().semantics, timesteps);
  SamplerOptions options;
  options.eta = eta;
  options.cancel = cancel;
  options.progress = progress;
  const bool images = run.data().is_image();
  if (images) options.clip = 1.0;
  torch::NoGradGuard no_grad;
  const int64_t chunk = images ? kImageChunk : n;
  std::vector<torch::Tensor> parts;
  for (int64_t start = 0; start < n; start += chunk) {
    const torch::Tensor x = x_T.slice(0, start, std::min(n, start + chunk)).to(run.device());
    if (on_prediction)
      options.on_prediction = [&on_prediction, start](int t, const torch::Tensor& x0) { on_prediction(start, t, x0); };
    parts.push_back(sample_chain(run.sampling_model(), timesteps, levels, x, options, step_gen).cpu());
  }
  return torch::cat(parts);
}

std::string check_name(const EddpmTrainer& run) { return mnist_dir_of(run.config().data) ? "FD-LeNet" : "SWD"; }

ScheduleMeter::ScheduleMeter(EddpmTrainer& run, int64_t n, uint64_t seed, double eta, const FdLenet::Log& log)
    : run_(run), n_(n), seed_(seed), eta_(eta), data_gen_(make_cpu_generator(seed + 1000003)) {
  real_ = run.data().held_out(n, data_gen_);
  if (const auto mnist_dir = mnist_dir_of(run.config().data)) {
    lenet_ = std::make_shared<FdLenet>(*mnist_dir, run.config().image_size(), run.device(), log);
    real_moments_ = feature_moments(lenet_->features(real_));
  }
}

std::string check_value_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, value >= 100 ? "%.1f" : value >= 1 ? "%.3f" : "%.4f", value);
  return text;
}

const torch::Tensor& ScheduleMeter::full_chain() {
  if (!full_.defined()) full_ = sample_schedule(run_, full_schedule(run_.noise().T()), n_, seed_, eta_, cancel_, progress_);
  return full_;
}

void ScheduleMeter::measure_against_real(ScheduleMeasure& m) const {
  const bool same_count = m.samples.size(0) == real_.size(0);
  m.swd = same_count ? sliced_wasserstein(m.samples, real_) : -1.0;
  m.mmd = mmd_rbf(m.samples, real_);
  if (lenet_) m.fd = frechet_distance(feature_moments(lenet_->features(m.samples)), real_moments_);
}

ScheduleMeasure ScheduleMeter::measure(const std::vector<int>& timesteps, bool with_fidelity) {
  ScheduleMeasure m;
  const auto start = std::chrono::steady_clock::now();
  m.samples = sample_schedule(run_, timesteps, n_, seed_, eta_, cancel_, progress_);
  m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  measure_against_real(m);
  const bool is_full_chain = int(timesteps.size()) == run_.noise().T();
  if (is_full_chain && !full_.defined()) full_ = m.samples;  // sampled once, whoever asks first
  if (with_fidelity && !is_full_chain) {
    m.fidelity = paired_mean_squared(m.samples, full_chain());
    m.fidelity_swd = sliced_wasserstein(m.samples, full_);
    if (lenet_) {
      if (!full_moments_.mean.defined()) full_moments_ = feature_moments(lenet_->features(full_));
      m.fidelity_fd = frechet_distance(feature_moments(lenet_->features(m.samples)), full_moments_);
    }
  }
  return m;
}

ScheduleMeter::Check ScheduleMeter::check(const std::vector<int>& timesteps) {
  Check c;
  c.samples = sample_schedule(run_, timesteps, n_, seed_, eta_, cancel_, progress_);
  c.value = lenet_ ? frechet_distance(feature_moments(lenet_->features(c.samples)), real_moments_)
                   : sliced_wasserstein(c.samples, real_);
  return c;
}

ScheduleMeasure ScheduleMeter::real_floor() {
  ScheduleMeasure m;
  m.samples = run_.data().sample(n_, data_gen_);
  measure_against_real(m);
  return m;
}

}  // namespace eddpm
