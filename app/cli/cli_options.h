#pragma once
// Options and helpers several subcommands share.
#include <string>
#include <vector>

#include "handcrafted_schedules.h"
#include "noise_schedule.h"
#include "schedule_comparison.h"
#include "solver_kind.h"

namespace CLI { class App; class Option; }

namespace eddpm::cli {

struct BetaOptions {
  int T = 1000;
  std::string kind = "linear";
  double b1 = -1.0;  // -1: the schedule's customary value
  double bT = -1.0;

  void add_to(CLI::App& command);
  // Linear keeps 1e-4..0.02; quadratic defaults to CSDI's 1e-4..0.5. Time series default to CSDI's
  // schedule (T = 50, quadratic) where --T and --beta are not given.
  BetaSpec spec(bool series_data = false) const;

 private:
  const CLI::Option* T_option_ = nullptr;
  const CLI::Option* kind_option_ = nullptr;
};

// --solver and --eta, read together: eta is DDIM's alone.
struct SolverOptions {
  std::string names = "ddim";
  double eta = 0.0;

  // `several`: --solver takes a comma list (compare).
  void add_to(CLI::App& command, bool several = false);
  // Throws UsageError: an unknown solver (naming them all), or eta > 0 with another solver.
  std::vector<Solver> solvers() const;
  Solver solver() const { return solvers().front(); }
  // Whether --solver was on the command line (else a file's own solver may stand).
  bool given() const;

 private:
  const CLI::Option* option_ = nullptr;
};

// "uniform,karras, learned@dpmpp-2m+unipc" -> kinds, each with the solvers it alone is sampled
// with (ddim's with `eta`); throws UsageError naming an unknown kind or solver.
std::vector<ScheduleChoice> parse_kinds(const std::string& list, double eta = 0.0);

// "0:07", "12:30", "1:02:03".
std::string format_duration(double seconds);

}  // namespace eddpm::cli
