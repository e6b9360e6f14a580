#include "cli_options.h"

#include <cmath>
#include <cstdio>
#include <sstream>

#include <CLI/CLI.hpp>

#include "cli_app.h"

namespace eddpm::cli {

void BetaOptions::add_to(CLI::App& command) {
  command.add_option("--T", T, "number of diffusion steps")->check(CLI::Range(2, 100000))->capture_default_str();
  command.add_option("--beta", kind, "base noise schedule")
      ->check(CLI::IsMember({"linear", "cosine", "quadratic"}))->capture_default_str();
  command.add_option("--b1", b1, "first beta (default 1e-4)")->check(CLI::Range(0.0, 1.0));
  command.add_option("--bT", bT, "last beta (default 0.02 linear, 0.5 quadratic)")->check(CLI::Range(0.0, 1.0));
}

BetaSpec BetaOptions::spec() const {
  BetaSpec spec;
  spec.kind = beta_kind_from_string(kind);
  spec.T = T;
  spec.b1 = b1 > 0 ? b1 : 1e-4;
  spec.bT = bT > 0 ? bT : (spec.kind == BetaKind::Quadratic ? 0.5 : 0.02);
  validate(spec);
  return spec;
}

std::vector<ScheduleKind> parse_kinds(const std::string& list) {
  std::vector<ScheduleKind> kinds;
  std::stringstream stream(list);
  std::string item;
  while (std::getline(stream, item, ',')) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (item.empty()) continue;
    try {
      kinds.push_back(schedule_kind_from_string(item));
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
  }
  if (kinds.empty()) throw UsageError("--kinds names no schedule");
  return kinds;
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
