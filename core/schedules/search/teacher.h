#pragma once
// The teacher the trajectory searches (GITS, LD3) compare against: the model's full chain, all T
// steps, run with the solver the schedule is for, from noise of a seed. Under either semantics the
// full chain's levels are the base levels abar_t, so its states are what any sub-chain approximates.
// Its states and clean estimates are kept at `grid_points` timesteps spread evenly over the chain.
// It runs on the search task of its samples (search_task.h): a time-series model's chains impute.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <torch/types.h>

#include "search_hooks.h"
#include "search_task.h"
#include "solvers/chain_calls.h"
#include "trained_model.h"

namespace eddpm {

struct TeacherSettings {
  Solver solver;
  int64_t samples = 100;  // trajectories (LD3 uses about 100)
  int grid_points = 100;  // timesteps recorded, T - 1 and 0 included (at most T)
  uint64_t seed = 0;      // of the starting noise
};

struct Teacher {
  TeacherSettings settings;
  std::vector<int> grid;  // recorded timesteps, descending: grid[0] = T - 1, grid.back() = 0
  torch::Tensor x_T;      // (n, ...) starting noise, CPU
  torch::Tensor states;   // (G, n, ...) the state at grid[g] (variance-preserving), CPU
  torch::Tensor x0_hats;  // (G, n, ...) the model's clean estimate made from it, CPU
  torch::Tensor result;   // (n, ...) where the chain ends, CPU
  double seconds = 0.0;   // what running it took (0 when it came from the cache)
  SearchTask task;        // what the chains ran on and where distances count (made again on a cache hit)
};

// The seed of a teacher's task, apart from its noise's.
inline uint64_t teacher_task_seed(const TeacherSettings& settings) { return settings.seed + 2; }

// `grid_points` timesteps evenly spread from T - 1 down to 0, descending, no duplicates.
std::vector<int> teacher_grid(int T, int grid_points);

// Runs the teacher. Throws Cancelled when hooks.cancel is set.
Teacher run_teacher(const TrainedModel& run, const TeacherSettings& settings, const SearchHooks& hooks = {});

// The teacher of this checkpoint (named by its SHA-256) and these settings from `cache_dir` when
// one was saved there, else run and saved there (atomically) for the next search. An unreadable
// cache file is run again and replaced. `cache_dir` empty: no cache.
Teacher cached_teacher(const TrainedModel& run, const std::string& checkpoint_sha256, const TeacherSettings& settings,
                       const std::filesystem::path& cache_dir, const SearchHooks& hooks = {});

// Where teachers are cached unless told: $EDDPM_CACHE_DIR, else $XDG_CACHE_HOME/eddpm, else
// ~/.cache/eddpm; the teachers/ folder in it.
std::filesystem::path default_teacher_cache();

}  // namespace eddpm
