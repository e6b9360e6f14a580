#include "conditional_eps_model.h"

#include <stdexcept>

#include <torch/torch.h>

namespace eddpm {

torch::Tensor ConditionalEpsModel::forward(const torch::Tensor& x, const torch::Tensor& t) {
  const torch::Tensor nothing = torch::zeros_like(x);
  return forward_conditional(x, t, nothing, nothing);
}

ConditionedModel::ConditionedModel(std::shared_ptr<ConditionalEpsModel> net, torch::Tensor observed,
                                   torch::Tensor condition)
    : net_(std::move(net)), observed_(std::move(observed)), condition_(std::move(condition)) {
  if (observed_.sizes() != condition_.sizes())
    throw std::invalid_argument("ConditionedModel: the observed values and their condition differ in shape");
  // NaN marks what the data lacks; it is never read where the condition is 0, but 0 x NaN is NaN.
  observed_ = torch::where(condition_ > 0.5, torch::nan_to_num(observed_, 0.0), torch::zeros_like(observed_));
}

torch::Tensor ConditionedModel::forward(const torch::Tensor& x, const torch::Tensor& t) {
  // A sampler may run a batch in parts or repeated (several samples per window): the condition
  // repeats along the batch to match.
  if (x.size(0) == observed_.size(0)) return net_->forward_conditional(x, t, observed_, condition_);
  if (x.size(0) % observed_.size(0) != 0)
    throw std::invalid_argument("ConditionedModel: a batch of " + std::to_string(x.size(0)) +
                                " is not a whole number of the " + std::to_string(observed_.size(0)) + " conditions");
  const int64_t repeats = x.size(0) / observed_.size(0);
  std::vector<int64_t> tile(static_cast<size_t>(x.dim()), 1);
  tile[0] = repeats;
  return net_->forward_conditional(x, t, observed_.repeat(tile), condition_.repeat(tile));
}

torch::Tensor ConditionedModel::with_observed(const torch::Tensor& x) const {
  std::vector<int64_t> tile(static_cast<size_t>(x.dim()), 1);
  tile[0] = x.size(0) / observed_.size(0);
  return torch::where(condition_.repeat(tile) > 0.5, observed_.repeat(tile), x);
}

}  // namespace eddpm
