#include "schedule_meter.h"

#include <chrono>

#include "handcrafted_schedules.h"
#include "mask_semantics.h"
#include "rng.h"
#include "sample_metrics.h"
#include "sampler.h"

namespace eddpm {

torch::Tensor sample_schedule(EddpmTrainer& run, const std::vector<int>& timesteps, int64_t n,
                              uint64_t seed, double eta) {
  at::Generator noise_gen = make_cpu_generator(seed);
  std::vector<int64_t> shape = run.model().sample_shape();
  shape.insert(shape.begin(), n);
  const torch::Tensor x_T = torch::randn(shape, noise_gen).to(run.device());
  at::Generator step_gen = make_generator(run.device(), seed + 1);
  const std::vector<double> levels = kept_levels(run.noise(), run.config().semantics, timesteps);
  SamplerOptions options;
  options.eta = eta;
  return sample_chain(run.model(), timesteps, levels, x_T, options, step_gen).cpu();
}

ScheduleMeter::ScheduleMeter(EddpmTrainer& run, int64_t n, uint64_t seed, double eta)
    : run_(run), n_(n), seed_(seed), eta_(eta), data_gen_(make_cpu_generator(seed + 1000003)) {
  real_ = run.data().sample(n, data_gen_);
}

const torch::Tensor& ScheduleMeter::full_chain() {
  if (!full_.defined()) full_ = sample_schedule(run_, full_schedule(run_.noise().T()), n_, seed_, eta_);
  return full_;
}

ScheduleMeasure ScheduleMeter::measure(const std::vector<int>& timesteps, bool with_fidelity) {
  ScheduleMeasure m;
  const auto start = std::chrono::steady_clock::now();
  m.samples = sample_schedule(run_, timesteps, n_, seed_, eta_);
  m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  m.swd = sliced_wasserstein(m.samples, real_);
  m.mmd = mmd_rbf(m.samples, real_);
  const bool is_full_chain = int(timesteps.size()) == run_.noise().T();
  if (is_full_chain && !full_.defined()) full_ = m.samples;  // sampled once, whoever asks first
  if (with_fidelity && !is_full_chain) m.fidelity = paired_mean_squared(m.samples, full_chain());
  return m;
}

double ScheduleMeter::swd(const std::vector<int>& timesteps) {
  return sliced_wasserstein(sample_schedule(run_, timesteps, n_, seed_, eta_), real_);
}

ScheduleMeasure ScheduleMeter::real_floor() {
  ScheduleMeasure m;
  m.samples = run_.data().sample(n_, data_gen_);
  m.swd = sliced_wasserstein(m.samples, real_);
  m.mmd = mmd_rbf(m.samples, real_);
  return m;
}

}  // namespace eddpm
