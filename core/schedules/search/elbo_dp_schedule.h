#pragma once
// ELBO-DP's steps for a trained model: the DP of spec 8 over the ELBO pair costs made from the
// model's denoising errors. Its cost is the denoising error at every one of T levels on 256
// examples: seconds on a small MLP, minutes on a CSDI or U-Net on the CPU. Under a budget one
// batch is timed and the errors are measured at fewer levels, denser where t is small (where the
// error changes fastest), and linearly interpolated between them; below a floor of levels the
// examples shrink instead (at least 16).
#include <cstdint>
#include <vector>

#include <ATen/core/Generator.h>

#include "trained_model.h"

namespace eddpm {

// Per-dim denoising error e(t) = E||eps - eps_theta(x_t, t)||^2 / d at every timestep (jump
// semantics), one network evaluation per t on `n` data points.
std::vector<double> denoising_errors(const TrainedModel& run, int64_t n, at::Generator& gen);

// The same error at the given levels only (each in [0, T)), in their order: one network evaluation
// per level. At every level in order it draws what denoising_errors draws.
std::vector<double> denoising_errors_at(const TrainedModel& run, const std::vector<int>& levels, int64_t n,
                                        at::Generator& gen);

// The ELBO pair costs L(t, s) of spec 8 as a DP cost matrix over positions (0 = data).
std::vector<std::vector<double>> elbo_pair_costs(const NoiseSchedule& noise,
                                                 const std::vector<double>& errors, double sigma0);

struct ElboDpPlan {
  int levels = 0;        // where the error is measured; T: every level
  int64_t examples = 0;  // data points at each level
};

// What fits `budget_seconds` (0: every level on 256 examples) for K steps.
ElboDpPlan elbo_dp_plan(const TrainedModel& run, int K, double budget_seconds);

// `count` levels in [0, T), ascending, 0 and T - 1 among them, spaced quadratically from 0.
std::vector<int> error_levels(int T, int count);

// Values at ascending `levels`, linearly interpolated to every level 0 .. T - 1.
std::vector<double> interpolate_levels(const std::vector<int>& levels, const std::vector<double>& values, int T);

// ELBO-DP's K steps from the errors the plan measures (make_schedule(ElboDp) is this with no
// budget). `used` (optional) hears the plan that ran, its levels as measured.
std::vector<int> elbo_dp_schedule(const TrainedModel& run, int K, at::Generator& gen, double budget_seconds,
                                  ElboDpPlan* used = nullptr);

}  // namespace eddpm
