#pragma once
// One row of a run's metrics.jsonl: what the training loop logs every log_every iterations and
// what the explorer replays. Its keys are written and read here only.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace eddpm {

struct MetricsRow {
  int64_t iteration = 0;
  double loss = 0.0, reward = 0.0, baseline = 0.0;  // means since the row before; the reward's EMA
  double gamma = 0.0, budget = 0.0;                 // the ramp's share and K_e
  double sum_s = 0.0;
  int kept_over_half = 0;
  double uncertainty = 0.0, concentration = 0.0;
  bool deterministic = false;
  double terminal_level = 0.0;
  double its_per_s = 0.0;
  int threads = 0;  // CPU threads the step ran on (0: not recorded)
};

nlohmann::json to_json(const MetricsRow& row);
// The row a line of metrics.jsonl holds, or nothing for a line that is not one (torn by a crash,
// or not JSON). Keys a row lacks keep their zero.
std::optional<MetricsRow> parse_metrics_row(const std::string& line);

}  // namespace eddpm
