#pragma once
// Any schedule kind for a trained run: closed forms from the noise schedule, "learned" from the
// mask probabilities, "elbo-dp" from the model's denoising errors.
#include <vector>

#include <ATen/core/Generator.h>

#include "trained_model.h"
#include "handcrafted_schedules.h"

namespace eddpm {

// Per-dim denoising error e(t) = E||eps - eps_theta(x_t, t)||^2 / d at every timestep (jump
// semantics), one network evaluation per t on `n` data points.
std::vector<double> denoising_errors(const TrainedModel& run, int64_t n, at::Generator& gen);

// The ELBO pair costs L(t, s) of spec 8 as a DP cost matrix over positions (0 = data).
std::vector<std::vector<double>> elbo_pair_costs(const NoiseSchedule& noise,
                                                 const std::vector<double>& errors, double sigma0);

// The families a learned schedule is judged against and a search may start from: every closed
// form, then ELBO-DP, in the order of ScheduleKind.
const std::vector<ScheduleKind>& handcrafted_kinds();

// The K-step schedule of `kind` for this run. Throws std::invalid_argument for Manual.
std::vector<int> make_schedule(ScheduleKind kind, int K, const TrainedModel& run, at::Generator& gen);

}  // namespace eddpm
