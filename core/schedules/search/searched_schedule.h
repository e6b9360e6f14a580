#pragma once
// One entry to the field's searches (gits, dmn, ays, ld3) for a trained model and a solver: the
// teacher shared and cached, progress and a time budget, and what each search took.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ays.h"
#include "handcrafted_schedules.h"
#include "search_hooks.h"
#include "teacher.h"

namespace eddpm {

struct SearchSettings {
  Solver solver;
  TeacherSettings teacher;             // its solver is `solver`
  AysSettings ays;
  std::filesystem::path teacher_cache;  // empty: no cache
  std::string checkpoint_sha256;        // names the cache entry
};

struct SearchResult {
  std::vector<int> timesteps;  // descending
  double seconds = 0.0;        // the whole search, teacher included when it was run
  double teacher_seconds = 0.0;
  bool teacher_from_cache = false;
  nlohmann::json settings;  // every choice the search ran with, for the schedule file
};

// Runs the search `kind` (is_field_search) for K steps; a time-series model's chains impute
// (search_task.h). Throws std::invalid_argument for another kind or a K the search cannot give;
// Cancelled when hooks.cancel is set.
SearchResult search_schedule(ScheduleKind kind, const TrainedModel& run, int K, const SearchSettings& settings,
                             const SearchHooks& hooks = {});

// A teacher of these settings, shared by the searches of one process (the last one asked for) and
// kept on disk by cached_teacher.
const Teacher& shared_teacher(const TrainedModel& run, const SearchSettings& settings, const SearchHooks& hooks,
                              bool* from_cache);

}  // namespace eddpm
