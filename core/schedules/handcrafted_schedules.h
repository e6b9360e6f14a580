#pragma once
// Handcrafted sampling schedules and resampling (spec section 8). Every function returns 0-based
// timesteps in descending order, the order a sampler walks them.
#include <string>
#include <vector>

#include "noise_schedule.h"

namespace eddpm {

enum class ScheduleKind {
  Uniform, Trailing, Linspace, Quadratic, LogSnr, Karras, KlOptimal, Beta,  // closed form
  ElboDp, Learned, Manual, Full,                                      // need a model or input
  Gits, Dmn, Ays, Ld3,  // the field's searches (search/searched_schedule.h): a model and a solver
};

std::string to_string(ScheduleKind kind);
ScheduleKind schedule_kind_from_string(const std::string& name);
bool is_closed_form(ScheduleKind kind);
// gits, dmn, ays, ld3: searched for a solver (search/searched_schedule.h).
bool is_field_search(ScheduleKind kind);

// The Beta-distributed steps' shape as ComfyUI and A1111 ship them: alpha = beta = 0.6 (denser at
// both ends of the chain than in its middle).
constexpr double kBetaStepsAlpha = 0.6, kBetaStepsBeta = 0.6;

// A closed-form schedule with (at most, after duplicates are removed) K steps of T. beta: step i of
// K at the quantile 1 - i/K of Beta(alpha, beta) along the timesteps, t_i = round(F^-1(1 - i/K) (T - 1)).
std::vector<int> handcrafted_schedule(ScheduleKind kind, int K, const NoiseSchedule& noise);

// Any schedule moved to K steps by log-linear interpolation of its noise levels sigma_t
// (the rule of Align Your Steps), nearest t, duplicates removed.
std::vector<int> resample_schedule(const std::vector<int>& timesteps, int K,
                                   const NoiseSchedule& noise);

// All T steps, T-1 down to 0.
std::vector<int> full_schedule(int T);

// Checks a user schedule: non-empty, in [0, T-1], no duplicates. Returns it in descending order.
// Throws std::invalid_argument naming the first offending value.
std::vector<int> normalized_schedule(std::vector<int> timesteps, int T);

// Parses "999, 899 799" or "[0,10,20]" into integers; throws std::invalid_argument on junk.
std::vector<int> parse_timestep_list(const std::string& text);

}  // namespace eddpm
