#pragma once
// LD3 (Tong et al., ICLR 2025, "Learning to Discretize Denoising Diffusion ODEs"): the K steps
// whose chain, run with the solver from the teacher's starting noise, lands closest to where the
// teacher's full chain lands (mean squared L2 over the teacher's ~100 samples). The paper
// backpropagates that distance through the solver to continuous timesteps; this product's solvers
// take fixed levels, so the same objective is minimized by pattern search on integer timesteps:
// each step moved up and down by a stride that halves when no move helps, from the best closed-form
// family. Every candidate is scored by the real solver under the run's semantics. docs/SEARCHES.md.
#include <vector>

#include "search_hooks.h"
#include "teacher.h"

namespace eddpm {

// Mean over the teacher's samples of the squared L2 distance between the student chain's result
// and the teacher's, over the values that count (the teacher's task).
double ld3_distance(const Teacher& teacher, const std::vector<int>& timesteps, const std::atomic<bool>* cancel = nullptr);

// The K-step LD3 schedule (timesteps, descending). Stops at hooks.budget_seconds with the best found.
std::vector<int> ld3_schedule(const TrainedModel& run, const Teacher& teacher, int K, const SearchHooks& hooks = {});

}  // namespace eddpm
