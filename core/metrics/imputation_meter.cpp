#include "imputation_meter.h"

#include <stdexcept>

#include <torch/torch.h>

#include "imputation.h"

namespace eddpm {

ImputationMeter::ImputationMeter(const TrainedModel& run, int64_t samples, uint64_t seed, Solver solver)
    : run_(run), data_(dynamic_cast<const SeriesDataset*>(run.data.get())), samples_(samples), seed_(seed),
      solver_(solver) {
  if (!data_) throw std::invalid_argument("imputation is measured on time series (--data weather or csv:PATH)");
  // The hidden values are the task's, not the meter's: every seed and every schedule is scored on
  // the same ones.
  task_ = hide_at_random(data_->test_windows(), kHiddenShare, 20211);
  if (task_.target.sum().item<double>() < 1.0)
    throw std::invalid_argument("the test split of " + data_->name() + " has no observed value to hide and score");
}

ImputationResult ImputationMeter::impute(const std::vector<int>& timesteps, const std::atomic<bool>* cancel,
                                         std::atomic<int64_t>* progress) const {
  ImputationResult r;
  r.samples = impute_schedule(run_, timesteps, task_.windows, task_.condition, samples_, seed_, solver_, cancel, progress);
  const torch::Tensor scored = task_.target > 0.5;
  // Hidden values are never NaN (they were observed); the rest of the truth may be, and is not scored.
  const torch::Tensor truth = torch::nan_to_num(task_.windows, 0.0);
  r.scores = score_imputations(r.samples, truth, scored);
  const SeriesScale& scale = data_->scale();
  r.scores_original = score_imputations(in_original_units(r.samples, scale, -2).to(torch::kFloat64),
                                        in_original_units(truth, scale, -2).to(torch::kFloat64), scored);
  return r;
}

double ImputationMeter::distance(const torch::Tensor& a, const torch::Tensor& b) const {
  const torch::Tensor target = task_.target.unsqueeze(0).to(torch::kFloat64);
  const torch::Tensor squared = (a.to(torch::kFloat64) - b.to(torch::kFloat64)).pow(2) * target;
  return (squared.sum() / (target.sum() * double(a.size(0)))).item<double>();
}

}  // namespace eddpm
