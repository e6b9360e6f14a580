#pragma once
// Schedule files: JSON the Python tools read with `json` alone ("timesteps" works as-is with
// diffusers' set_timesteps(timesteps=...), "sigmas" with sigmas=), CSV, and the one-line sigma
// lists ComfyUI and A1111 take (docs/EXPORT.md).
// {"format":"eddpm-schedule","version":1,"T":..,"beta":{"kind":..,"b1":..,"bT":..},
//  "semantics":..,"timesteps":[descending, 0-based],"levels":[a_j],"sigmas":[..., 0],
//  "prediction":"eps","solver":..,"eta":..,"K":..,"nfe":..,"checkpoint_sha256":..,
//  "source":..,"made":{"how":..,"settings":{..}},"quality":{..},"metrics":{..}}
// Files written before the sigmas and the solver were recorded load as ddim, eps, made "manual".
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mask_semantics.h"
#include "noise_schedule.h"
#include "solver_kind.h"

namespace eddpm {

struct ScheduleFile {
  BetaSpec beta;
  Semantics semantics = Semantics::Jump;
  std::vector<int> timesteps;  // descending, 0-based
  std::vector<double> levels;  // a_j of those steps under `semantics`
  // sigma_t = sqrt((1 - abar_t) / abar_t) of each timestep, then 0: the base schedule's levels,
  // which is what the tools run these timesteps at (paper semantics is ours alone).
  std::vector<double> sigmas;
  std::string prediction = "eps";  // what the model predicts: eps | x0 | v
  Solver solver;                   // the solver the schedule was made and measured for
  std::string checkpoint_sha256;   // of the checkpoint it was made for; empty when none
  std::string source;              // learned | manual | uniform | ... (a --kind name)
  // How it was made: "family" (a rule), "search" (measured on the model: elbo-dp), "learned" (the
  // mask), "manual", "resampled" or "imported", with what it was made with.
  std::string how = "manual";
  nlohmann::json settings = nlohmann::json::object();
  nlohmann::json quality = nlohmann::json::object();  // measured, under the keys compare uses
  nlohmann::json metrics = nlohmann::json::object();  // the run's numbers at the time (learned)
};

// What a file is written as: --format's names.
enum class ScheduleFormat { Json, Csv, Sigmas, ComfyUi, A1111 };
ScheduleFormat schedule_format_from_string(const std::string& name);  // json|csv|sigmas|comfyui|a1111
// .json and .csv name their format; anything else needs one named.
std::optional<ScheduleFormat> schedule_format_of_path(const std::filesystem::path& path);
// The text of each format: json, csv (step, timestep, level, log_snr, sigma), sigmas (one per
// line, the trailing 0 included), comfyui ("s0, s1, ..., 0", ManualSigmas' line) and a1111
// ("[s0, ..., 0.0]", the Extra Schedulers extension's custom list, used as is when it ends in 0).
std::string schedule_text(const ScheduleFile& file, ScheduleFormat format);
void save_schedule(const ScheduleFile& file, const std::filesystem::path& path, ScheduleFormat format);

// sigma_t = sqrt((1 - abar_t) / abar_t) for the given timesteps, then 0.
std::vector<double> sigmas_of(const NoiseSchedule& noise, const std::vector<int>& timesteps);

// Fills the levels from the noise schedule; timesteps are validated and sorted descending.
ScheduleFile make_schedule_file(const NoiseSchedule& noise, Semantics semantics,
                                std::vector<int> timesteps, const std::string& source);

nlohmann::json to_json(const ScheduleFile& file);
// Throws std::invalid_argument with a one-line reason: wrong format, missing fields, T mismatch,
// unsorted, duplicate, negative or out-of-range timesteps, levels that do not match.
ScheduleFile schedule_file_from_json(const nlohmann::json& j);

void save_schedule_json(const ScheduleFile& file, const std::filesystem::path& path);
ScheduleFile load_schedule_json(const std::filesystem::path& path);
// Columns: step (1 = first applied), timestep, level, log_snr, sigma.
void save_schedule_csv(const ScheduleFile& file, const std::filesystem::path& path);

}  // namespace eddpm
