#pragma once
// DM-NonUniform (Xue et al., CVPR 2024, "Accelerating Diffusion Sampling with Optimized Time
// Steps"): step positions in half log-SNR lambda that minimize a bound on the solver's
// discretization error, with no model in the loop. A multistep data-prediction solver integrates
// e^lambda x_theta(lambda) over each step with the polynomial through its last `order` estimates;
// each estimate's error is taken proportional to sigma^2 / alpha (VP sigma and alpha) at its
// point, and a step's error is the root sum of squares of those errors times the weight the
// interpolation gives them. The positions are optimized under their order constraint by L-BFGS on
// the softmax of free gap variables (the paper: a trust-region method). docs/SEARCHES.md.
#include <vector>

#include "noise_schedule.h"
#include "search_hooks.h"
#include "solver_kind.h"

namespace eddpm {

// The interpolation order DMN assumes for a solver: 1 for ddim and euler, 2 for the others.
int dmn_order(const Solver& solver);

// The bound for lambdas lambda_0 < ... < lambda_K (the K kept steps, then the end of the chain).
double dmn_objective(const std::vector<double>& lambdas, int order);

// The K-step DMN schedule (timesteps, descending; T - 1 first); the chain's end is timestep 0.
std::vector<int> dmn_schedule(const NoiseSchedule& noise, int K, int order, const SearchHooks& hooks = {});

}  // namespace eddpm
