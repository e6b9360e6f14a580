#pragma once
// The solvers a schedule can be sampled with, by name: what --solver, config.json, schedule files
// and the explorer say. The arithmetic of each is in core/sampling/solvers/. No LibTorch.
#include <cstdint>
#include <string>
#include <vector>

namespace eddpm {

enum class SolverKind {
  Ddim,     // DDIM (Song et al. 2021); eta = 1 is DDPM's ancestral sampling on the sub-chain
  Euler,    // Euler on the probability-flow ODE dy/dsigma = eps (Karras et al. 2022)
  Heun,     // Heun's 2nd order (Karras et al. 2022, Alg. 1 without churn): 2K - 1 network calls
  DpmPp2m,  // DPM-Solver++(2M), data prediction, multistep (Lu et al. 2022), diffusers' default
  UniPc,    // UniPC bh2, order 2: UniP predictor + UniC corrector (Zhao et al. 2023)
};

// ddim, euler, heun, dpmpp-2m, unipc
std::string to_string(SolverKind kind);
// Throws std::invalid_argument naming every solver.
SolverKind solver_kind_from_string(const std::string& name);
const std::vector<std::string>& solver_names();

// How a chain is run: the solver and, for DDIM only, the share of fresh noise per step.
struct Solver {
  SolverKind kind = SolverKind::Ddim;
  double eta = 0.0;

  std::string name() const { return to_string(kind); }
  // Network evaluations for a chain of K kept steps.
  int64_t nfe(int64_t K) const;
  // The most kept steps whose chain costs at most `calls` network evaluations (0 when none fits).
  int64_t steps_for_nfe(int64_t calls) const;
  // Throws std::invalid_argument: an unknown name (naming every solver), eta outside [0, 1], or
  // eta > 0 with another solver than ddim.
  static Solver parse(const std::string& name, double eta = 0.0);

  bool operator==(const Solver& other) const { return kind == other.kind && eta == other.eta; }
};

// A schedule named with the solvers it alone is sampled with, "learned@dpmpp-2m+unipc" (--kinds,
// the explorer's --compare); without '@' the solvers are empty: the ones every schedule gets. ddim
// takes `eta`. Only a suffix of solver names counts, so a file path with an '@' stays whole.
struct ScheduleWithSolvers {
  std::string schedule;
  std::vector<Solver> solvers;
};
// Throws std::invalid_argument for "kind@" or "kind@+" (names no solver).
ScheduleWithSolvers parse_schedule_with_solvers(const std::string& text, double eta = 0.0);

}  // namespace eddpm
