#include "metrics_row.h"

namespace eddpm {

namespace {
template <typename T>
void read(const nlohmann::json& j, const char* key, T& field) {
  const auto it = j.find(key);
  if (it == j.end()) return;
  if constexpr (std::is_same_v<T, bool>) {
    if (it->is_boolean()) field = it->get<bool>();
  } else {
    if (it->is_number()) field = it->get<T>();
  }
}
}  // namespace

nlohmann::json to_json(const MetricsRow& r) {
  nlohmann::json j = {{"iter", r.iteration},         {"loss", r.loss},
                      {"reward", r.reward},          {"baseline", r.baseline},
                      {"gamma", r.gamma},            {"budget", r.budget},
                      {"sum_s", r.sum_s},            {"kept_over_half", r.kept_over_half},
                      {"uncertainty", r.uncertainty}, {"concentration", r.concentration},
                      {"deterministic", r.deterministic}, {"terminal_level", r.terminal_level},
                      {"its_per_s", r.its_per_s}};
  if (r.threads > 0) j["threads"] = r.threads;
  return j;
}

std::optional<MetricsRow> parse_metrics_row(const std::string& line) {
  const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
  if (!j.is_object() || !j.contains("iter") || !j["iter"].is_number_integer()) return std::nullopt;
  MetricsRow r;
  r.iteration = j["iter"].get<int64_t>();
  read(j, "loss", r.loss);
  read(j, "reward", r.reward);
  read(j, "baseline", r.baseline);
  read(j, "gamma", r.gamma);
  read(j, "budget", r.budget);
  read(j, "sum_s", r.sum_s);
  read(j, "kept_over_half", r.kept_over_half);
  read(j, "uncertainty", r.uncertainty);
  read(j, "concentration", r.concentration);
  read(j, "deterministic", r.deterministic);
  read(j, "terminal_level", r.terminal_level);
  read(j, "its_per_s", r.its_per_s);
  read(j, "threads", r.threads);
  return r;
}

}  // namespace eddpm
