#include "schedule_factory.h"

#include <algorithm>
#include <stdexcept>

#include <torch/torch.h>

#include "conditional_eps_model.h"
#include "elbo_dp.h"
#include "imputation_masks.h"
#include "learned_schedule.h"

namespace eddpm {

std::vector<double> denoising_errors(const TrainedModel& run, int64_t n, at::Generator& gen) {
  torch::NoGradGuard no_grad;
  EpsModel& model = *run.model;
  const bool was_training = model.is_training();
  model.eval();
  const int T = run.noise.T();
  torch::Tensor x0 = run.data->sample(n, gen);
  // A time-series model is scored as it is used: on kHiddenShare of each window's observed values,
  // hidden, given the rest, its error read there only.
  auto* conditional = dynamic_cast<ConditionalEpsModel*>(&model);
  torch::Tensor condition, target;
  if (conditional) {
    const torch::Tensor observed = observed_mask(x0);
    target = hide_share(observed, torch::full({n}, kHiddenShare), gen);
    condition = (observed - target).to(run.device);
    target = target.to(run.device);
    x0 = torch::nan_to_num(x0, 0.0);
  }
  x0 = x0.to(run.device);
  std::vector<double> errors(T);
  constexpr int kStepsPerBatch = 16;
  for (int first = 0; first < T; first += kStepsPerBatch) {
    const int count = std::min(kStepsPerBatch, T - first);
    const torch::Tensor steps = torch::arange(first, first + count, torch::kLong);
    const torch::Tensor t = steps.repeat_interleave(n).to(run.device);
    std::vector<double> abar(run.noise.alpha_bars().begin() + first,
                             run.noise.alpha_bars().begin() + first + count);
    std::vector<int64_t> per_example(x0.dim(), 1);  // broadcast a level over a point or an image
    per_example[0] = -1;
    const torch::Tensor a = torch::tensor(abar, torch::kFloat64).repeat_interleave(n).to(run.device, torch::kFloat32).view(per_example);
    std::vector<int64_t> copies(x0.dim(), 1);
    copies[0] = count;
    const torch::Tensor x = x0.repeat(copies);
    const torch::Tensor eps = torch::randn(x.sizes(), gen).to(run.device);
    const torch::Tensor x_t = torch::sqrt(a) * x + torch::sqrt(1.0 - a) * eps;
    torch::Tensor err;
    if (conditional) {
      const torch::Tensor weight = target.repeat(copies).reshape({count, n, -1});
      const torch::Tensor squared = (conditional->forward_conditional(x_t, t, x, condition.repeat(copies)) - eps).pow(2);
      err = (squared.reshape({count, n, -1}) * weight).sum({1, 2}) / weight.sum({1, 2}).clamp_min(1.0);
    } else {
      err = (model.forward(x_t, t) - eps).pow(2).reshape({count, n, -1}).mean({1, 2});
    }
    err = err.cpu().to(torch::kFloat64);
    for (int i = 0; i < count; ++i) errors[first + i] = err[i].item<double>();
  }
  model.train(was_training);
  return errors;
}

std::vector<std::vector<double>> elbo_pair_costs(const NoiseSchedule& noise, const std::vector<double>& errors,
                                                 double sigma0) {
  const int T = noise.T();
  const double snr_data = 1.0 / (sigma0 * sigma0);
  std::vector<std::vector<double>> cost(T + 1, std::vector<double>(T + 1, 0.0));
  for (int p = 1; p <= T; ++p) {
    const double snr_t = noise.snr(p - 1);
    for (int s = 0; s < p; ++s) {
      const double snr_s = s == 0 ? snr_data : noise.snr(s - 1);
      cost[p][s] = std::max(0.0, 0.5 * (snr_s / snr_t - 1.0)) * errors[p - 1];
    }
  }
  return cost;
}

const std::vector<ScheduleKind>& handcrafted_kinds() {
  static const std::vector<ScheduleKind> kinds = {ScheduleKind::Uniform,  ScheduleKind::Trailing, ScheduleKind::Linspace,
                                                  ScheduleKind::Quadratic, ScheduleKind::LogSnr,  ScheduleKind::Karras,
                                                  ScheduleKind::KlOptimal, ScheduleKind::Beta,    ScheduleKind::ElboDp};
  return kinds;
}

std::vector<int> make_schedule(ScheduleKind kind, int K, const TrainedModel& run, at::Generator& gen) {
  const NoiseSchedule& noise = run.noise;
  if (K < 1 || K > noise.T()) throw std::invalid_argument("K must be in [1, T]");
  switch (kind) {
    case ScheduleKind::Learned:
      return top_k_timesteps(run.mask, K);
    case ScheduleKind::ElboDp: {
      const auto errors = denoising_errors(run, 256, gen);
      const DpSolution dp = optimal_paths(elbo_pair_costs(noise, errors, run.config.sigma0), K);
      return dp.schedules.back();
    }
    case ScheduleKind::Manual:
      throw std::invalid_argument("a manual schedule needs its timesteps");
    case ScheduleKind::Gits:
    case ScheduleKind::Dmn:
    case ScheduleKind::Ays:
    case ScheduleKind::Ld3:
      throw std::invalid_argument(to_string(kind) + " is a search for a solver: write its steps with eddpm schedule --kind " +
                                  to_string(kind) + " --checkpoint M --solver S, then use that file");
    default:
      return handcrafted_schedule(kind, K, noise);
  }
}

}  // namespace eddpm
