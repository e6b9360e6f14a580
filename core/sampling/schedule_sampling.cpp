#include "schedule_sampling.h"

#include <stdexcept>

#include <torch/torch.h>

#include "mask_semantics.h"
#include "rng.h"
#include "sampler.h"

namespace eddpm {

namespace {
constexpr int64_t kImageChunk = 1000;
}

torch::Tensor sample_schedule(const TrainedModel& run, const std::vector<int>& timesteps, int64_t n,
                              uint64_t seed, const Solver& solver, const std::atomic<bool>* cancel,
                              std::atomic<int64_t>* progress, const PredictionHook& on_prediction) {
  at::Generator noise_gen = make_cpu_generator(seed);
  std::vector<int64_t> shape = run.model->sample_shape();
  shape.insert(shape.begin(), n);
  return sample_schedule_from(run, timesteps, torch::randn(shape, noise_gen), seed, solver, cancel, progress,
                              on_prediction);
}

torch::Tensor sample_schedule_from(const TrainedModel& run, const std::vector<int>& timesteps, const torch::Tensor& x_T,
                                   uint64_t seed, const Solver& solver, const std::atomic<bool>* cancel,
                                   std::atomic<int64_t>* progress, const PredictionHook& on_prediction) {
  std::vector<int64_t> expected = run.model->sample_shape();
  expected.insert(expected.begin(), x_T.size(0));
  if (x_T.sizes() != c10::IntArrayRef(expected))
    throw std::invalid_argument("starting noise of shape " + c10::str(x_T.sizes()) + " for a model of examples " +
                                c10::str(run.model->sample_shape()));
  const int64_t n = x_T.size(0);
  at::Generator step_gen = make_generator(run.device, seed + 1);
  const std::vector<double> levels = kept_levels(run.noise, run.config.semantics, timesteps);
  SamplerOptions options;
  options.solver = solver;
  options.cancel = cancel;
  options.progress = progress;
  const bool images = run.data->is_image();
  if (images) options.clip = 1.0;
  torch::NoGradGuard no_grad;
  const int64_t chunk = images ? kImageChunk : n;
  std::vector<torch::Tensor> parts;
  for (int64_t start = 0; start < n; start += chunk) {
    const torch::Tensor x = x_T.slice(0, start, std::min(n, start + chunk)).to(run.device, torch::kFloat32);
    if (on_prediction)
      options.on_prediction = [&on_prediction, start](int t, const torch::Tensor& x0) { on_prediction(start, t, x0); };
    parts.push_back(sample_chain(*run.model, timesteps, levels, x, options, step_gen).cpu());
  }
  return torch::cat(parts);
}

}  // namespace eddpm
