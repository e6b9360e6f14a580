#pragma once
// Schedule files: JSON the Python tools read ("timesteps" works as-is with diffusers'
// set_timesteps(timesteps=...)) and CSV.
// {"format":"eddpm-schedule","version":1,"T":..,"beta":{"kind":..,"b1":..,"bT":..},
//  "semantics":..,"timesteps":[descending, 0-based],"levels":[a_j],"source":..,"metrics":{..}}
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mask_semantics.h"
#include "noise_schedule.h"

namespace eddpm {

struct ScheduleFile {
  BetaSpec beta;
  Semantics semantics = Semantics::Jump;
  std::vector<int> timesteps;  // descending, 0-based
  std::vector<double> levels;  // a_j of those steps under `semantics`
  std::string source;          // learned | manual | uniform | ...
  nlohmann::json metrics = nlohmann::json::object();
};

// Fills the levels from the noise schedule; timesteps are validated and sorted descending.
ScheduleFile make_schedule_file(const NoiseSchedule& noise, Semantics semantics,
                                std::vector<int> timesteps, const std::string& source);

nlohmann::json to_json(const ScheduleFile& file);
// Throws std::invalid_argument with a one-line reason: wrong format, missing fields, T mismatch,
// unsorted, duplicate, negative or out-of-range timesteps, levels that do not match.
ScheduleFile schedule_file_from_json(const nlohmann::json& j);

void save_schedule_json(const ScheduleFile& file, const std::filesystem::path& path);
ScheduleFile load_schedule_json(const std::filesystem::path& path);
// Columns: step (1 = first applied), timestep, level, log_snr.
void save_schedule_csv(const ScheduleFile& file, const std::filesystem::path& path);

}  // namespace eddpm
