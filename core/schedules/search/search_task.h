#pragma once
// What the searches run their chains on and where their distances look. For points and images: the
// model as it is and every value. A time-series model's chains impute (CSDI's task, as the meters
// score it): n training windows with kHiddenShare of their observed values hidden, the network bound
// to the rest (ConditionedModel), and only the hidden values count. So a search picks steps on the
// task the held-out scores judge them on, on windows those scores never see (the test split).
#include <cstdint>

#include <torch/types.h>

#include "trained_model.h"

namespace eddpm {

struct SearchTask {
  TrainedModel run;        // its model is what the chains call: the network, or it bound to a condition
  torch::Tensor examples;  // (n, ...) clean training examples, CPU float32, 0 where the data has no value
  torch::Tensor weight;    // (n, ...) CPU float32: 1 where a value counts in a distance, else 0
  bool imputes = false;    // a time-series model's task
};

// The task of n examples drawn with `seed` (the same seed gives the same task).
SearchTask search_task(const TrainedModel& run, int64_t n, uint64_t seed);

// (a - b) where the weight is 1, float64, flattened to (n, values): what the distances sum over.
torch::Tensor counted_difference(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& weight);

}  // namespace eddpm
