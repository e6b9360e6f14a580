#pragma once
// Any schedule kind for a trained run: closed forms from the noise schedule, "learned" from the
// mask probabilities, "elbo-dp" from the model's denoising errors.
#include <vector>

#include <ATen/core/Generator.h>

#include "trained_model.h"
#include "handcrafted_schedules.h"

namespace eddpm {

// The families a learned schedule is judged against and a search may start from: every closed
// form, then ELBO-DP, in the order of ScheduleKind.
const std::vector<ScheduleKind>& handcrafted_kinds();

// The K-step schedule of `kind` for this run. Throws std::invalid_argument for Manual.
std::vector<int> make_schedule(ScheduleKind kind, int K, const TrainedModel& run, at::Generator& gen);

}  // namespace eddpm
