#include "searched_schedule.h"

#include <chrono>
#include <memory>
#include <mutex>
#include <stdexcept>

#include <torch/torch.h>

#include "dmn.h"
#include "gits.h"
#include "imputation_masks.h"
#include "ld3.h"

namespace eddpm {

namespace {

bool same_settings(const TeacherSettings& a, const TeacherSettings& b) {
  return a.solver == b.solver && a.samples == b.samples && a.grid_points == b.grid_points && a.seed == b.seed;
}

}  // namespace

const Teacher& shared_teacher(const TrainedModel& run, const SearchSettings& settings, const SearchHooks& hooks,
                              bool* from_cache) {
  // One teacher in memory: a recommendation runs gits and ld3 on the same one.
  static std::mutex mutex;
  static std::unique_ptr<Teacher> last;
  static std::string last_key;
  TeacherSettings wanted = settings.teacher;
  wanted.solver = settings.solver;
  // The same checkpoint and the same network object (a model without a file has no SHA-256).
  const std::string key = settings.checkpoint_sha256 + "|" + std::to_string(reinterpret_cast<uintptr_t>(run.model.get()));
  std::lock_guard<std::mutex> lock(mutex);
  if (last && last_key == key && same_settings(last->settings, wanted)) {
    if (from_cache) *from_cache = true;
    return *last;
  }
  last = std::make_unique<Teacher>(cached_teacher(run, settings.checkpoint_sha256, wanted, settings.teacher_cache, hooks));
  last_key = key;
  if (from_cache) *from_cache = last->seconds == 0.0;
  return *last;
}

SearchResult search_schedule(ScheduleKind kind, const TrainedModel& run, int K, const SearchSettings& settings,
                             const SearchHooks& hooks) {
  if (!is_field_search(kind)) throw std::invalid_argument(to_string(kind) + " is not a search (gits, dmn, ays, ld3)");
  const auto start = std::chrono::steady_clock::now();
  SearchResult result;
  result.settings = {{"K", K}, {"solver", settings.solver.name()}};
  // What the chains ran on: a time-series model's impute kHiddenShare of training windows' values.
  if (run.data->is_series() && kind != ScheduleKind::Dmn)
    result.settings["task"] = {{"imputes", "training windows"}, {"hidden_share", kHiddenShare}};
  // The teacher takes the first half of the progress bar where a search needs one.
  const auto teacher_part = [&hooks](double share) {
    SearchHooks part = hooks;
    part.on_progress = [&hooks, share](double f, const std::string& note) { hooks.report(share * f, note); };
    return part;
  };
  const auto after_teacher = [&hooks](double share) {
    SearchHooks part = hooks;
    part.on_progress = [&hooks, share](double f, const std::string& note) { hooks.report(share + (1 - share) * f, note); };
    return part;
  };
  const auto with_teacher = [&](double share) -> const Teacher& {
    const Teacher& teacher = shared_teacher(run, settings, teacher_part(share), &result.teacher_from_cache);
    result.teacher_seconds = teacher.seconds;
    result.settings["teacher"] = {{"steps", run.noise.T()}, {"samples", teacher.settings.samples},
                                  {"grid_points", int(teacher.grid.size())}, {"seed", teacher.settings.seed},
                                  {"from_cache", result.teacher_from_cache}};
    return teacher;
  };
  switch (kind) {
    case ScheduleKind::Gits: {
      const Teacher& teacher = with_teacher(0.9);
      result.timesteps = gits_schedule(teacher, run.noise, K);
      result.settings["cost"] = "mean L2 of one DDIM step from the teacher's state against the teacher";
      break;
    }
    case ScheduleKind::Ld3: {
      const Teacher& teacher = with_teacher(0.3);
      SearchHooks rest = after_teacher(0.3);
      if (hooks.budget_seconds > 0) rest.budget_seconds = std::max(0.0, hooks.budget_seconds - seconds_since(start));
      result.timesteps = ld3_schedule(run, teacher, K, rest);
      result.settings["distance"] = "mean squared L2 to the teacher's result";
      break;
    }
    case ScheduleKind::Ays: {
      AysPlan plan;
      result.timesteps = ays_schedule(run, K, settings.ays, hooks, &plan);
      result.settings["grid_points"] = plan.grid_points;
      result.settings["samples"] = plan.samples;
      result.settings["seed"] = settings.ays.seed;
      break;
    }
    case ScheduleKind::Dmn: {
      const int order = dmn_order(settings.solver);
      result.timesteps = dmn_schedule(run.noise, K, order, hooks);
      result.settings["order"] = order;
      break;
    }
    default:
      break;
  }
  result.seconds = seconds_since(start);
  return result;
}

}  // namespace eddpm
