#include "imputation.h"

#include <memory>
#include <stdexcept>

#include <torch/torch.h>

#include "conditional_eps_model.h"
#include "rng.h"
#include "schedule_sampling.h"

namespace eddpm {

torch::Tensor impute_schedule(const TrainedModel& run, const std::vector<int>& timesteps, const torch::Tensor& windows,
                              const torch::Tensor& condition, int64_t samples, uint64_t seed, const Solver& solver,
                              const std::atomic<bool>* cancel, std::atomic<int64_t>* progress) {
  auto net = std::dynamic_pointer_cast<ConditionalEpsModel>(run.model);
  if (!net) throw std::invalid_argument("imputing needs a time-series model (csdi), not " + run.model->preset());
  if (windows.dim() != 3 || windows.sizes() != condition.sizes())
    throw std::invalid_argument("imputing takes (windows, series, L) values and a condition of the same shape");
  if (samples < 1) throw std::invalid_argument("imputing needs at least one sample per window");
  auto bound = std::make_shared<ConditionedModel>(net, windows.to(run.device, torch::kFloat32),
                                                  condition.to(run.device, torch::kFloat32));
  TrainedModel conditioned = run;  // the same weights, called with this batch's condition
  conditioned.model = bound;
  const int64_t W = windows.size(0);
  at::Generator noise_gen = make_cpu_generator(seed);
  const torch::Tensor x_T = torch::randn({samples * W, windows.size(1), windows.size(2)}, noise_gen);
  const torch::Tensor x = sample_schedule_from(conditioned, timesteps, x_T, seed, solver, cancel, progress);
  return bound->with_observed(x.to(run.device)).cpu().view({samples, W, windows.size(1), windows.size(2)});
}

}  // namespace eddpm
