#pragma once
// GITS (Chen et al., ICML 2024, "On the Trajectory Regularity of ODE-based Diffusion Sampling"):
// the K steps, among the teacher's grid, whose jumps lose least against the teacher. The cost of a
// jump from grid point i to a later grid point j is the mean L2 distance between one first-order
// (DDIM) step from the teacher's state at i and the teacher's state at j; the last jump lands on the
// clean end, compared with the teacher's result. Dynamic programming finds the cheapest path of
// exactly K jumps from T - 1. docs/SEARCHES.md has every choice.
#include <vector>

#include "noise_schedule.h"
#include "teacher.h"

namespace eddpm {

// The jump costs as a DP matrix (elbo_dp.h's positions: 0 = the clean end, p >= 1 = grid point
// G - p, so position G is T - 1).
std::vector<std::vector<double>> gits_costs(const Teacher& teacher, const NoiseSchedule& noise);

// The K-step GITS schedule (timesteps, descending). K must be below the grid's size.
std::vector<int> gits_schedule(const Teacher& teacher, const NoiseSchedule& noise, int K);

}  // namespace eddpm
