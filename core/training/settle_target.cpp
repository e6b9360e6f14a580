#include "settle_target.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include <nlohmann/json.hpp>

#include "learned_schedule.h"
#include "rng.h"
#include "schedule_factory.h"
#include "schedule_meter.h"

namespace eddpm {

namespace {
constexpr int kDraws = 8;  // draws of K steps from the mask measured beside its top K
}  // namespace

namespace {
std::string candidate_name(const SettleCandidate& c) {
  return c.kind == "learned" ? "the mask's top " + std::to_string(c.timesteps.size()) : c.kind;
}
}  // namespace

std::string SettleChoice::summary() const {
  const SettleCandidate& b = best();
  const std::string count = "; " + std::to_string(candidates.size()) + " candidates measured";
  if (recheck) {
    const SettleCandidate& target = candidates.front();
    if (chosen == 0)
      return "Rechecked: still settling toward " + candidate_name(target) + " (" + measure + " " +
             check_value_text(target.value) + ")" + count;
    return "Rechecked: settling toward " + candidate_name(b) + " (" + measure + " " + check_value_text(b.value) +
           ") instead of " + candidate_name(target) + " (" + check_value_text(target.value) + ")" + count;
  }
  std::string text = "Settling toward " + candidate_name(b) + " (" + measure + " " + check_value_text(b.value) + ")";
  if (b.kind != "learned")
    for (const SettleCandidate& c : candidates)
      if (c.kind == "learned") text += "; " + candidate_name(c) + ": " + check_value_text(c.value);
  return text + count;
}

uint64_t settle_seed(uint64_t training_seed) { return training_seed + 0x5e771e00ULL; }

std::vector<std::vector<int>> draw_step_sets(const std::vector<double>& s, int K, bool pin_last, int count,
                                             uint64_t seed) {
  const int T = int(s.size());
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> uniform(std::numeric_limits<double>::min(), 1.0);
  std::vector<std::vector<int>> sets;
  for (int attempt = 0; attempt < 4 * count && int(sets.size()) < count; ++attempt) {
    std::vector<std::pair<double, int>> keys;
    for (int t = 0; t < T; ++t) {
      if (pin_last && t == T - 1) continue;
      const double key = s[t] > 0.0 ? std::log(s[t]) - std::log(-std::log(uniform(gen)))
                                     : -std::numeric_limits<double>::infinity();
      keys.push_back({key, t});
    }
    const int free = pin_last ? K - 1 : K;
    std::partial_sort(keys.begin(), keys.begin() + free, keys.end(),
                      [](const auto& a, const auto& b) { return a.first > b.first || (a.first == b.first && a.second > b.second); });
    std::vector<int> steps;
    if (pin_last) steps.push_back(T - 1);
    for (int i = 0; i < free; ++i) steps.push_back(keys[i].second);
    std::sort(steps.rbegin(), steps.rend());
    if (std::find(sets.begin(), sets.end(), steps) == sets.end()) sets.push_back(steps);
  }
  return sets;
}

SettleChoice choose_settle_target(EddpmTrainer& trainer, int64_t n, const std::atomic<bool>* cancel,
                                  const std::string& target_kind, const MeasureProgress& on_progress) {
  const TrainedModel& run = trainer.trained();
  const TrainConfig& config = run.config;
  const int K = config.steps_kept();
  const int T = run.noise.T();
  SettleChoice choice;
  choice.recheck = !trainer.settle_target().empty();
  choice.iteration = run.iteration;
  choice.n = n > 0 ? n : config.check_samples();
  choice.seed = settle_seed(config.seed) + (choice.recheck ? 1 : 0);
  choice.measure = check_name(run);

  std::vector<std::pair<std::string, std::vector<int>>> sets;
  if (choice.recheck) {
    // s is most of the way to the target by now: draws from it would be the target again.
    sets.push_back({target_kind, trainer.settle_target()});
  } else {
    const std::vector<double>& s = run.mask;
    sets.push_back({"learned", top_k_timesteps(s, K)});
    int d = 0;
    for (auto& steps : draw_step_sets(s, K, config.pin_last, kDraws, choice.seed))
      sets.push_back({"draw " + std::to_string(++d), std::move(steps)});
  }
  at::Generator gen = make_cpu_generator(choice.seed);  // ELBO-DP's denoising errors
  for (ScheduleKind kind : handcrafted_kinds()) sets.push_back({to_string(kind), make_schedule(kind, K, run, gen)});
  // Other searches' steps (a recommendation's mask search): settling may head for them too, so the
  // search ends no worse, by this measure, than the best steps it was handed.
  int p = 0;
  for (const std::vector<int>& steps : trainer.start_proposals()) sets.push_back({"proposal " + std::to_string(++p), steps});

  ScheduleMeter meter(run, choice.n, choice.seed, Solver{config.solver});
  meter.set_cancel(cancel);
  // A target is K distinct steps (families that repeat steps at this K have fewer) and keeps the
  // pin; each set is measured once.
  std::vector<std::pair<std::string, std::vector<int>>> valid;
  for (auto& [kind, steps] : sets) {
    if (int(steps.size()) != K || (config.pin_last && steps.front() != T - 1)) continue;
    if (std::any_of(valid.begin(), valid.end(), [&](const auto& v) { return v.second == steps; })) continue;
    valid.emplace_back(kind, std::move(steps));
  }
  for (auto& [kind, steps] : valid) {
    SettleCandidate c{kind, steps, meter.check(steps).value};
    if (choice.candidates.empty() || c.value < choice.best().value) choice.chosen = choice.candidates.size();
    choice.candidates.push_back(std::move(c));
    if (on_progress) on_progress(int(choice.candidates.size()), int(valid.size()));
  }
  return choice;
}

nlohmann::json to_json(const SettleChoice& c) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : c.candidates) rows.push_back({{"kind", r.kind}, {"timesteps", r.timesteps}, {"value", r.value}});
  return {{"measure", c.measure}, {"recheck", c.recheck}, {"iteration", c.iteration}, {"n", c.n}, {"seed", c.seed},
          {"chosen", c.best().kind}, {"timesteps", c.best().timesteps}, {"candidates", rows}, {"summary", c.summary()}};
}

}  // namespace eddpm
