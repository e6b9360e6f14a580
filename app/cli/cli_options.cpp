#include "cli_options.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include <CLI/CLI.hpp>

#include "cli_app.h"

namespace eddpm::cli {

void BetaOptions::add_to(CLI::App& command) {
  T_option_ = command.add_option("--T", T, "number of diffusion steps (time series: 50)")
                  ->check(CLI::Range(2, 100000))->capture_default_str();
  kind_option_ = command.add_option("--beta", kind, "base noise schedule (time series: quadratic)")
                     ->check(CLI::IsMember({"linear", "cosine", "quadratic"}))->capture_default_str();
  command.add_option("--b1", b1, "first beta (default 1e-4)")->check(CLI::Range(0.0, 1.0));
  command.add_option("--bT", bT, "last beta (default 0.02 linear, 0.5 quadratic)")->check(CLI::Range(0.0, 1.0));
}

BetaSpec BetaOptions::spec(bool series_data) const {
  const auto csdi_default = [series_data](const CLI::Option* option) {
    return series_data && (!option || option->count() == 0);
  };
  BetaSpec spec;
  spec.kind = csdi_default(kind_option_) ? BetaKind::Quadratic : beta_kind_from_string(kind);
  spec.T = csdi_default(T_option_) ? 50 : T;
  spec.b1 = b1 > 0 ? b1 : 1e-4;
  spec.bT = bT > 0 ? bT : (spec.kind == BetaKind::Quadratic ? 0.5 : 0.02);
  validate(spec);
  return spec;
}

namespace {
// "a, b,,c" -> {"a", "b", "c"}
std::vector<std::string> comma_items(const std::string& list) {
  std::vector<std::string> items;
  std::stringstream stream(list);
  std::string item;
  while (std::getline(stream, item, ',')) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) items.push_back(item);
  }
  return items;
}
}  // namespace

void SolverOptions::add_to(CLI::App& command, bool several) {
  std::string names_list;
  for (const std::string& n : solver_names()) names_list += (names_list.empty() ? "" : " | ") + n;
  option_ = command.add_option("--solver", names, several ? "one or more solvers, comma-separated: " + names_list : names_list)
                ->capture_default_str();
  command.add_option("--eta", eta, "ddim only: 0 = DDIM, 1 = DDPM")->check(CLI::Range(0.0, 1.0))->capture_default_str();
}

bool SolverOptions::given() const { return option_ && option_->count() > 0; }

std::vector<Solver> SolverOptions::solvers() const {
  std::vector<Solver> out;
  for (const std::string& name : comma_items(names)) {
    try {
      out.push_back(Solver::parse(name, solver_kind_from_string(name) == SolverKind::Ddim ? eta : 0.0));
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--solver: ") + e.what());
    }
  }
  if (out.empty()) throw UsageError("--solver names no solver");
  const bool has_ddim = std::any_of(out.begin(), out.end(), [](const Solver& s) { return s.kind == SolverKind::Ddim; });
  if (eta > 0.0 && !has_ddim) throw UsageError("--eta applies to the ddim solver only, and --solver names no ddim");
  return out;
}

std::vector<ScheduleChoice> parse_kinds(const std::string& list, double eta) {
  std::vector<ScheduleChoice> choices;
  for (const std::string& item : comma_items(list)) {
    try {
      const ScheduleWithSolvers named = parse_schedule_with_solvers(item, eta);
      choices.push_back({schedule_kind_from_string(named.schedule), named.solvers});
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--kinds: ") + e.what());
    }
  }
  if (choices.empty()) throw UsageError("--kinds names no schedule");
  return choices;
}

std::string format_duration(double seconds) {
  const long s = std::lround(std::max(0.0, seconds));
  char buffer[32];
  if (s >= 3600)
    std::snprintf(buffer, sizeof buffer, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  else
    std::snprintf(buffer, sizeof buffer, "%ld:%02ld", s / 60, s % 60);
  return buffer;
}

}  // namespace eddpm::cli
