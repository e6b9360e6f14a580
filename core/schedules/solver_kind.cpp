#include "solver_kind.h"

#include <algorithm>
#include <stdexcept>

namespace eddpm {

namespace {
struct Named {
  SolverKind kind;
  const char* name;
};
constexpr Named kSolvers[] = {{SolverKind::Ddim, "ddim"},
                              {SolverKind::Euler, "euler"},
                              {SolverKind::Heun, "heun"},
                              {SolverKind::DpmPp2m, "dpmpp-2m"},
                              {SolverKind::UniPc, "unipc"}};
}  // namespace

const std::vector<std::string>& solver_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const Named& s : kSolvers) out.push_back(s.name);
    return out;
  }();
  return names;
}

std::string to_string(SolverKind kind) {
  for (const Named& s : kSolvers)
    if (s.kind == kind) return s.name;
  throw std::logic_error("unnamed solver");
}

SolverKind solver_kind_from_string(const std::string& name) {
  for (const Named& s : kSolvers)
    if (name == s.name) return s.kind;
  std::string list;
  for (const std::string& n : solver_names()) list += (list.empty() ? "" : ", ") + n;
  throw std::invalid_argument("unknown solver '" + name + "' (one of: " + list + ")");
}

int64_t Solver::nfe(int64_t K) const {
  if (K <= 0) return 0;
  // Heun corrects every step but the last, which ends at sigma = 0 where there is nothing to call.
  return kind == SolverKind::Heun ? 2 * K - 1 : K;
}

int64_t Solver::steps_for_nfe(int64_t calls) const {
  if (calls <= 0) return 0;
  return kind == SolverKind::Heun ? (calls + 1) / 2 : calls;
}

Solver Solver::parse(const std::string& name, double eta) {
  const SolverKind kind = solver_kind_from_string(name);
  if (!(eta >= 0.0 && eta <= 1.0)) throw std::invalid_argument("eta must be in [0, 1]");
  if (eta > 0.0 && kind != SolverKind::Ddim)
    throw std::invalid_argument("eta (fresh noise per step) applies to the ddim solver only, not " + name);
  return Solver{kind, eta};
}

ScheduleWithSolvers parse_schedule_with_solvers(const std::string& text, double eta) {
  const size_t at = text.rfind('@');
  // A suffix with a '/' is part of a file's path ("file:/home/a@b/steps.json").
  if (at == std::string::npos || text.find('/', at) != std::string::npos) return {text, {}};
  std::vector<Solver> solvers;
  for (size_t start = at + 1; start <= text.size();) {
    const size_t plus = std::min(text.find('+', start), text.size());
    const std::string name = text.substr(start, plus - start);
    if (!name.empty()) {
      const SolverKind kind = solver_kind_from_string(name);  // throws, naming every solver
      const Solver solver = Solver::parse(name, kind == SolverKind::Ddim ? eta : 0.0);
      if (std::find(solvers.begin(), solvers.end(), solver) == solvers.end()) solvers.push_back(solver);
    }
    start = plus + 1;
  }
  if (solvers.empty() || at == 0)
    throw std::invalid_argument("'" + text + "': a schedule, '@', then its solvers (e.g. learned@dpmpp-2m+unipc)");
  return {text.substr(0, at), solvers};
}

}  // namespace eddpm
