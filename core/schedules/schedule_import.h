#pragma once
// Reading a schedule back in any form the exports write, or a person pastes: one of our JSON files,
// a JSON object with "timesteps" or "sigmas", a JSON list, ComfyUI's sigma line, A1111's bracketed
// list, or numbers one per line. Integers are timesteps; a list with any decimal number is sigmas,
// each moved to the model's timestep whose sigma is nearest in log sigma (a trailing 0, the end of
// the chain, is dropped). No LibTorch.
#include <optional>
#include <string>
#include <vector>

#include "noise_schedule.h"
#include "schedule_file.h"

namespace eddpm {

struct ImportedSchedule {
  std::vector<int> timesteps;  // descending
  std::string form;            // "eddpm schedule file", "timesteps" or "sigmas"
  // Sigmas only: the largest move onto a timestep, as |sigma_t / sigma - 1| (0.01: one percent).
  double largest_move = 0.0;
  std::optional<ScheduleFile> file;  // when the text was one of our files (validated)
};

// Throws std::invalid_argument with one line: no numbers, a number that is neither, timesteps
// outside [0, T), two sigmas on one timestep, a file for another T or beta schedule.
ImportedSchedule import_schedule(const std::string& text, const NoiseSchedule& noise);

// "sigmas: moved at most 0.8% onto timesteps" / "timesteps" / "eddpm schedule file".
std::string describe(const ImportedSchedule& imported);

}  // namespace eddpm
