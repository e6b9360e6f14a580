#include "metrics_row.h"

#include <utility>

namespace eddpm {

namespace {
// Each key of a row once, for writing and reading alike.
const std::pair<const char*, double MetricsRow::*> kNumbers[] = {
    {"loss", &MetricsRow::loss},           {"reward", &MetricsRow::reward},
    {"baseline", &MetricsRow::baseline},   {"gamma", &MetricsRow::gamma},
    {"budget", &MetricsRow::budget},       {"sum_s", &MetricsRow::sum_s},
    {"uncertainty", &MetricsRow::uncertainty}, {"concentration", &MetricsRow::concentration},
    {"terminal_level", &MetricsRow::terminal_level}, {"its_per_s", &MetricsRow::its_per_s}};
constexpr const char* kIteration = "iter";
constexpr const char* kKeptOverHalf = "kept_over_half";
constexpr const char* kDeterministic = "deterministic";
constexpr const char* kThreads = "threads";  // written only when recorded
}  // namespace

nlohmann::json to_json(const MetricsRow& r) {
  nlohmann::json j = {{kIteration, r.iteration}, {kKeptOverHalf, r.kept_over_half}, {kDeterministic, r.deterministic}};
  for (const auto& [key, field] : kNumbers) j[key] = r.*field;
  if (r.threads > 0) j[kThreads] = r.threads;
  return j;
}

std::optional<MetricsRow> parse_metrics_row(const std::string& line) {
  const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
  if (!j.is_object() || !j.contains(kIteration) || !j[kIteration].is_number_integer()) return std::nullopt;
  MetricsRow r;
  r.iteration = j[kIteration].get<int64_t>();
  for (const auto& [key, field] : kNumbers)
    if (j.contains(key) && j[key].is_number()) r.*field = j[key].get<double>();
  if (j.contains(kKeptOverHalf) && j[kKeptOverHalf].is_number_integer()) r.kept_over_half = j[kKeptOverHalf].get<int>();
  if (j.contains(kDeterministic) && j[kDeterministic].is_boolean()) r.deterministic = j[kDeterministic].get<bool>();
  if (j.contains(kThreads) && j[kThreads].is_number_integer()) r.threads = j[kThreads].get<int>();
  return r;
}

}  // namespace eddpm
