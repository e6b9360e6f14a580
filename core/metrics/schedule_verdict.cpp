#include "schedule_verdict.h"

#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "atomic_file.h"
#include "handcrafted_schedules.h"
#include "learned_schedule.h"
#include "rng.h"
#include "schedule_factory.h"
#include "schedule_meter.h"

namespace eddpm {

namespace {
std::string steps(const std::vector<int>& timesteps) {
  std::string s;
  for (int t : timesteps) s += (s.empty() ? "" : " ") + std::to_string(t);
  return s;
}

// "2.9x" for large ratios, "12%" for small ones: how much worse `worse` is than `better`.
std::string how_much(double worse, double better) {
  if (!(better > 0.0)) return "more";
  const double ratio = worse / better;
  if (ratio >= 1.5) {
    char text[16];
    std::snprintf(text, sizeof text, "%.1fx", ratio);
    return text;
  }
  return std::to_string(int(std::lround(100.0 * (ratio - 1.0)))) + "%";
}

nlohmann::json to_json(const ScheduleScore& s) {
  return {{"kind", s.kind}, {"timesteps", s.timesteps}, {"value", s.value}};
}
}  // namespace

std::string ScheduleVerdict::summary() const {
  const std::string k = std::to_string(K) + " steps" + (same_as.empty() ? "" : " (" + same_as + "'s)");
  if (learned_wins() && same_as == best.kind)
    return "Learned " + std::to_string(K) + " steps are " + best.kind + "'s, the best handcrafted schedule here: " +
           measure + " " + check_value_text(best.value) + "; the mask found nothing better on this model.";
  if (learned_wins()) {
    std::string text = "Learned " + k + " beat every handcrafted schedule: " + measure + " " + check_value_text(learned.value) +
                       ", the best handcrafted (" + best.kind + ") " + check_value_text(best.value);
    if (best.kind != "uniform") text += ", uniform " + check_value_text(uniform.value);
    return text + ".";
  }
  std::string text = "Learned " + k + " lose: " + measure + " " + check_value_text(learned.value) + ", " +
                     how_much(learned.value, best.value) + " worse than " + best.kind + " (" + check_value_text(best.value) + ")";
  if (best.kind != "uniform")
    text += learned.value > uniform.value ? " and " + how_much(learned.value, uniform.value) + " worse than uniform (" +
                                                check_value_text(uniform.value) + ")"
                                          : ", better than uniform (" + check_value_text(uniform.value) + ")";
  return text + ". Use " + best.kind + " instead: " + steps(best.timesteps) + ".";
}

bool has_schedule_to_judge(const TrainedModel& run) { return run.config.steps_kept() < run.noise.T(); }

uint64_t verdict_seed(uint64_t training_seed) { return training_seed + 0x5eed5eedULL; }

ScheduleVerdict judge_learned_schedule(const TrainedModel& run, int64_t n, const std::atomic<bool>* cancel,
                                       const MeasureProgress& on_progress) {
  ScheduleVerdict v;
  v.K = run.config.steps_kept();
  v.n = n > 0 ? n : run.config.check_samples();
  v.seed = verdict_seed(run.config.seed);
  v.measure = check_name(run);
  ScheduleMeter meter(run, v.n, v.seed, Solver{run.config.solver});
  meter.set_cancel(cancel);
  v.learned.kind = "learned";
  v.learned.timesteps = top_k_timesteps(run.mask, v.K);
  v.learned.value = meter.check(v.learned.timesteps).value;
  const int total = 1 + int(handcrafted_kinds().size());
  if (on_progress) on_progress(1, total);
  at::Generator gen = make_cpu_generator(v.seed);  // ELBO-DP's denoising errors
  for (ScheduleKind kind : handcrafted_kinds()) {
    ScheduleScore score;
    score.kind = to_string(kind);
    score.timesteps = make_schedule(kind, v.K, run, gen);
    // The same steps on the same noise measure the same: the learned ones' value stands.
    score.value = score.timesteps == v.learned.timesteps ? v.learned.value : meter.check(score.timesteps).value;
    if (kind == ScheduleKind::Uniform) v.uniform = score;
    if (v.same_as.empty() && score.timesteps == v.learned.timesteps) v.same_as = score.kind;
    if (v.handcrafted.empty() || score.value < v.best.value) v.best = score;
    v.handcrafted.push_back(std::move(score));
    if (on_progress) on_progress(1 + int(v.handcrafted.size()), total);
  }
  return v;
}

nlohmann::json to_json(const ScheduleVerdict& v) {
  nlohmann::json families = nlohmann::json::array();
  for (const auto& s : v.handcrafted) families.push_back(to_json(s));
  return {{"measure", v.measure}, {"K", v.K}, {"n", v.n}, {"seed", v.seed}, {"learned_wins", v.learned_wins()}, {"same_as", v.same_as},
          {"learned", to_json(v.learned)}, {"uniform", to_json(v.uniform)}, {"best_handcrafted", to_json(v.best)},
          {"handcrafted", families}, {"summary", v.summary()}};
}

}  // namespace eddpm

namespace eddpm {

void save_verdict(const ScheduleVerdict& verdict, const std::filesystem::path& path) {
  write_text_atomically(path, to_json(verdict).dump(2) + "\n");
}

}  // namespace eddpm
