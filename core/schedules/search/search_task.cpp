#include "search_task.h"

#include <memory>
#include <stdexcept>

#include <torch/torch.h>

#include "conditional_eps_model.h"
#include "imputation_masks.h"
#include "rng.h"

namespace eddpm {

SearchTask search_task(const TrainedModel& run, int64_t n, uint64_t seed) {
  if (n < 1) throw std::invalid_argument("a search needs at least one example");
  SearchTask task;
  task.run = run;
  at::Generator gen = make_cpu_generator(seed);
  const torch::Tensor drawn = run.data->sample(n, gen).to(torch::kFloat32);
  if (!run.data->is_series()) {
    task.examples = drawn;
    task.weight = torch::ones_like(drawn);
    return task;
  }
  auto net = std::dynamic_pointer_cast<ConditionalEpsModel>(run.model);
  if (!net) throw std::invalid_argument("a time-series search needs a conditional model (csdi), not " + run.model->preset());
  const ImputationTask hidden = hide_at_random(drawn, kHiddenShare, seed + 1);
  task.run.model = std::make_shared<ConditionedModel>(net, hidden.windows.to(run.device, torch::kFloat32),
                                                      hidden.condition.to(run.device, torch::kFloat32));
  task.examples = torch::nan_to_num(drawn, 0.0);
  task.weight = hidden.target.cpu().to(torch::kFloat32);
  task.imputes = true;
  return task;
}

torch::Tensor counted_difference(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& weight) {
  const torch::Tensor w = weight.to(a.device(), torch::kFloat64);
  return ((a.to(torch::kFloat64) - b.to(a.device(), torch::kFloat64)) * w).flatten(1);
}

}  // namespace eddpm
