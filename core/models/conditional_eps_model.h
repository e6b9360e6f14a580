#pragma once
// A noise predictor that also sees what is observed: imputation's models (CSDI-style). Observed
// values enter clean, beside the noisy values of the rest; the prediction is read where nothing is
// observed. The samplers take an EpsModel, so a condition is bound to the network for one batch by
// ConditionedModel, a value made per batch: the network itself holds no condition, and a copy that
// samples on another thread cannot see this batch's.
#include <memory>

#include "eps_model.h"

namespace eddpm {

class ConditionalEpsModel : public EpsModel {
 public:
  // x_t: (B, ...) noisy values, read where `condition` is 0; observed: (B, ...) read where it is 1
  // (anything elsewhere); condition: (B, ...) float 0/1. Returns the predicted noise, shaped as x_t.
  virtual torch::Tensor forward_conditional(const torch::Tensor& x_t, const torch::Tensor& t,
                                            const torch::Tensor& observed, const torch::Tensor& condition) = 0;
  // With nothing observed: every value is generated.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& t) override;
};

// The network with one batch's condition bound: what the samplers call.
class ConditionedModel : public EpsModel {
 public:
  ConditionedModel(std::shared_ptr<ConditionalEpsModel> net, torch::Tensor observed, torch::Tensor condition);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& t) override;
  std::string preset() const override { return net_->preset(); }
  std::vector<int64_t> sample_shape() const override { return net_->sample_shape(); }
  // The observed values put back where the condition holds: a sample never changes what was seen.
  torch::Tensor with_observed(const torch::Tensor& x) const;

 private:
  std::shared_ptr<ConditionalEpsModel> net_;
  torch::Tensor observed_, condition_;
};

}  // namespace eddpm
