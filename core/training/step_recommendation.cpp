#include "step_recommendation.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include <torch/torch.h>

#include "elbo_dp_schedule.h"
#include "pretrained_start.h"
#include "rng.h"
#include "schedule_factory.h"
#include "schedule_meter.h"
#include "search_task.h"
#include "searched_schedule.h"
#include "training_checkpoint.h"
#include "training_run.h"

namespace eddpm {

namespace {

const std::vector<ScheduleKind> kSearches = {ScheduleKind::Gits, ScheduleKind::Dmn, ScheduleKind::Ays, ScheduleKind::Ld3};
constexpr const char* kEddpm = "eddpm";
// The mask search's first iterations under a budget, timed before the rest are fitted to it.
constexpr int64_t kTimed = 10;

// ELBO-DP, the searches and EDDPM's mask search share the budget evenly; the closed-form families
// cost nothing to speak of. ELBO-DP is in the split because its errors at every level are minutes
// on a CSDI or U-Net.
const double kShares = double(kSearches.size() + 2);
double share_of_budget(const RecommendSettings& s) { return s.budget_minutes > 0 ? s.budget_minutes * 60.0 / kShares : 0.0; }

// Under a budget the mask search is stopped at one and a half shares; an iteration rolls out
// masks_per_iter masks of about sum(s) steps on `pool` examples. Where one network batch of the pool
// says a single iteration overruns the whole share (a CSDI or U-Net on the CPU), the search could
// not move its mask at all: the row says so, with what ten iterations would take, instead of
// running far past the budget. A share that fits a few iterations runs them: the mask then stays
// near its start, the best proposal.
std::string seconds_text(double seconds) {
  if (seconds < 1) return "under a second";
  return "about " + std::to_string(int64_t(std::lround(seconds))) + " s";
}

void refuse_what_cannot_fit(const TrainedModel& run, const TrainConfig& c, const EddpmTrainer& trainer, double budget) {
  torch::NoGradGuard no_grad;
  const SearchTask task = search_task(run, c.pool, c.seed);
  const torch::Tensor x = task.examples.to(run.device);
  const torch::Tensor t = torch::full({x.size(0)}, run.noise.T() / 2, torch::TensorOptions().dtype(torch::kLong).device(run.device));
  // The fastest of three batches: the first pays for warming up, and a busy machine only slows.
  double batch = INFINITY;
  for (int i = 0; i < 3; ++i) {
    const auto start = std::chrono::steady_clock::now();
    task.run.model->forward(x, t).cpu();
    batch = std::min(batch, seconds_since(start));
  }
  const std::vector<double> s = trainer.mask_probabilities();
  const double steps = std::accumulate(s.begin(), s.end(), 0.0);
  const double per_iteration = batch * double(c.masks_per_iter) * steps;
  if (per_iteration > budget) {
    const int minutes = int(std::ceil(kTimed * per_iteration * kShares / 60.0));
    throw std::runtime_error("an iteration of the mask search takes " + seconds_text(per_iteration) + " here (" +
                             std::to_string(c.masks_per_iter) + " rollouts of " + std::to_string(int(steps)) + " steps on " +
                             std::to_string(c.pool) + " examples), more than its share of the budget (" +
                             seconds_text(budget) + "): give --budget-minutes " + std::to_string(minutes) +
                             " or more (0: no budget)");
  }
}

// EDDPM's mask search on the frozen model: the rollout reward that targets the measure (fidelity
// for fidelity, the distance to the data for the rest), K = the recommendation's K, the solver's
// chains; stopped at its share of the budget with the mask's top K as they stand.
std::vector<int> eddpm_mask_search(const TrainedModel& run, const RecommendSettings& s, const std::string& measure,
                                   const std::vector<std::vector<int>>& proposals, const RecommendHooks& hooks) {
  if (s.checkpoint.empty()) throw std::invalid_argument("EDDPM's mask search starts from a checkpoint file");
  TrainConfig c = run.config;
  apply_start_from(c, s.checkpoint.string(), {true, true, false});
  c.freeze_model = true;
  c.keep = double(s.K) / c.beta.T;
  c.reward = measure == "fidelity" ? Reward::Fidelity : Reward::Data;
  c.solver = s.solver.kind;
  c.iters = s.eddpm_iters;
  // The model is frozen: no warm-up before the mask learns, and the ramp over the iterations that
  // fit (the model's own run named its i1, i2 for its own length).
  c.warmup = 0;
  c.ramp_end = -1;
  c.seed = s.seed;
  // From the best of the families' and the searches' steps, by the search's own reward: a short
  // search refines the best proposal for the measure instead of rediscovering it.
  c.mask_start = MaskStart::BestHandcrafted;
  validate(c);
  EddpmTrainer trainer(c, run.device, run.data);
  trainer.add_start_proposals(proposals);
  copy_model_weights(s.checkpoint, trainer);
  std::atomic<bool> stop{false};
  const auto start = std::chrono::steady_clock::now();
  const double budget = share_of_budget(s);
  if (budget > 0) refuse_what_cannot_fit(run, c, trainer, budget);
  RunCallbacks callbacks;
  callbacks.autosave_seconds = 0.0;
  callbacks.stop = &stop;
  // With a budget, the iterations are fitted to it once the first ones are timed, so the budget ramp
  // and the settling at its end happen inside it (a search cut off mid-ramp has not chosen K steps
  // yet); past one and a half budgets it is stopped where it stands.
  callbacks.before_iteration = [&] {
    if (hooks.cancel && hooks.cancel->load()) stop = true;
    if (budget <= 0) return;
    const double elapsed = seconds_since(start);
    if (trainer.iteration() == kTimed) {
      const double per_iteration = elapsed / kTimed;
      const int64_t fits = kTimed + int64_t(0.8 * (budget - elapsed) / per_iteration);  // a fifth left for settling
      trainer.refit_iters(std::clamp<int64_t>(fits, 2 * kTimed, s.eddpm_iters));
    }
    if (elapsed > 1.5 * budget) stop = true;
  };
  // Every few iterations (the snapshot comes only every log_every): the progress bar moves.
  const auto before = callbacks.before_iteration;
  callbacks.before_iteration = [&, before] {
    before();
    const int64_t i = trainer.iteration();
    if (hooks.on_progress && i % 5 == 0)
      hooks.on_progress(kEddpm, double(i) / std::max<int64_t>(1, trainer.config().iters),
                        "mask search: iteration " + std::to_string(i) + " of " + std::to_string(trainer.config().iters));
  };
  run_training(trainer, s.work_dir / "eddpm-search", callbacks, RunFolderMode::overwrite);
  if (hooks.cancel && hooks.cancel->load()) throw Cancelled();
  // Settling cut short by the budget leaves the mask between what it learned and the target it chose
  // by measuring, and its top K can be neither: the target is where it was heading.
  const std::vector<int>& target = trainer.settle_target();
  if (!target.empty()) return target;
  return trainer.trained().learned_steps();
}

// Only what `measure` reads: the MMD beside it would cost more than sampling a candidate.
MeasureParts parts_for(const std::string& measure) {
  MeasureParts parts;
  parts.mmd = false;
  parts.fidelity = measure == "fidelity";
  parts.against_data = !parts.fidelity;
  return parts;
}

double measured(const ScheduleMeasure& m, const std::string& measure) {
  if (measure == "fd") return m.fd;
  if (measure == "swd") return m.swd;
  if (measure == "fidelity") return m.fidelity;
  return m.imputation ? m.imputation->crps : std::nan("");
}

}  // namespace

std::vector<std::string> recommendation_candidates() {
  std::vector<std::string> names;
  for (ScheduleKind kind : handcrafted_kinds()) names.push_back(to_string(kind));
  for (ScheduleKind kind : kSearches) names.push_back(to_string(kind));
  names.push_back(kEddpm);
  return names;
}

std::string default_measure(const TrainedModel& run) {
  const std::string check = check_name(run);
  return check == "FD-LeNet" ? "fd" : check == "CRPS" ? "crps" : "swd";
}

Recommendation recommend_steps(const TrainedModel& run, const RecommendSettings& s, const RecommendHooks& hooks) {
  Recommendation result;
  result.measure = s.measure.empty() ? default_measure(run) : s.measure;
  const std::string& measure = result.measure;
  const bool series = run.data->is_series();
  if (measure == "fd" && check_name(run) != "FD-LeNet")
    throw std::invalid_argument("--measure fd needs an MNIST model (FD-LeNet's classifier)");
  if (measure == "crps" && !series) throw std::invalid_argument("--measure crps is for time-series models");
  if (measure == "swd" && series) throw std::invalid_argument("--measure swd is for points and images; use crps");
  if (measure != "fd" && measure != "crps" && measure != "swd" && measure != "fidelity")
    throw std::invalid_argument("unknown measure '" + measure + "' (fd, crps, swd, fidelity)");
  if (s.K < 1 || s.K >= run.noise.T()) throw std::invalid_argument("K must be in [1, T - 1]");
  const auto report = [&hooks](const std::string& name, double f, const std::string& note) {
    if (hooks.on_progress) hooks.on_progress(name, f, note);
  };

  // Proposals.
  at::Generator gen = make_cpu_generator(s.seed);
  SearchSettings search;
  search.solver = s.solver;
  search.teacher.seed = s.seed;
  search.ays.seed = s.seed;
  search.teacher_cache = s.teacher_cache;
  search.checkpoint_sha256 = s.checkpoint_sha256;
  // A model trained with EDDPM at this K brings the steps it learned: the first row, its search
  // paid for in training (0 s here).
  if (run.config.steps_kept() == s.K && int(run.mask.size()) == run.noise.T()) {
    CandidateRow row;
    row.candidate = to_string(ScheduleKind::Learned);
    row.kind = "learned";
    row.timesteps = run.learned_steps();
    row.nfe = s.solver.nfe(int64_t(row.timesteps.size()));
    report(row.candidate, 1.0, "the run's learned steps");
    result.rows.push_back(row);
  }
  for (const std::string& name : recommendation_candidates()) {
    check_cancel(hooks.cancel);
    CandidateRow row;
    row.candidate = name;
    const auto start = std::chrono::steady_clock::now();
    report(name, 0.0, "proposing");
    try {
      if (name == kEddpm) {
        row.kind = "learned";
        std::vector<std::vector<int>> searched;  // the rows before it beyond the families (it adds those itself)
        for (const CandidateRow& r : result.rows)
          if (r.kind != "family" && r.error.empty()) searched.push_back(r.timesteps);
        row.timesteps = eddpm_mask_search(run, s, measure, searched, hooks);
      } else if (const ScheduleKind kind = schedule_kind_from_string(name); is_field_search(kind)) {
        row.kind = "search";
        SearchHooks search_hooks;
        search_hooks.cancel = hooks.cancel;
        search_hooks.budget_seconds = share_of_budget(s);
        search_hooks.on_progress = [&](double f, const std::string& note) { report(name, f, note); };
        row.timesteps = search_schedule(kind, run, s.K, search, search_hooks).timesteps;
      } else {
        row.kind = "family";
        if (kind == ScheduleKind::ElboDp) {
          ElboDpPlan plan;
          row.timesteps = elbo_dp_schedule(run, s.K, gen, share_of_budget(s), &plan);
          report(name, 1.0, "errors at " + std::to_string(plan.levels) + " levels on " + std::to_string(plan.examples) + " examples");
        } else {
          row.timesteps = make_schedule(kind, s.K, run, gen);
        }
      }
    } catch (const Cancelled&) {
      throw;
    } catch (const std::exception& e) {
      row.error = e.what();
    }
    row.search_seconds = seconds_since(start);
    row.nfe = row.timesteps.empty() ? 0 : s.solver.nfe(int64_t(row.timesteps.size()));
    report(name, 1.0, row.error.empty() ? "proposed" : "failed: " + row.error);
    result.rows.push_back(row);
  }

  // Scores, on noise (and for series, test windows) of seeds none of the proposals used.
  const int64_t n = s.n > 0 ? s.n : series ? 16 : run.data->is_image() ? 500 : 2000;
  std::vector<std::vector<double>> values(result.rows.size());
  for (int r = 0; r < s.repeats; ++r) {
    ScheduleMeter meter(run, n, 1000 + s.seed + uint64_t(r), s.solver);
    meter.set_cancel(hooks.cancel);
    for (size_t i = 0; i < result.rows.size(); ++i) {
      if (!result.rows[i].error.empty()) continue;
      report(result.rows[i].candidate, 1.0, "scoring, draw " + std::to_string(r + 1) + " of " + std::to_string(s.repeats));
      values[i].push_back(measured(meter.measure(result.rows[i].timesteps, parts_for(measure)), measure));
    }
  }
  double best = INFINITY;
  for (size_t i = 0; i < result.rows.size(); ++i) {
    CandidateRow& row = result.rows[i];
    if (values[i].empty()) continue;
    double mean = 0.0, squares = 0.0;
    for (double v : values[i]) mean += v / values[i].size();
    for (double v : values[i]) squares += (v - mean) * (v - mean);
    row.quality = mean;
    row.spread = values[i].size() > 1 ? std::sqrt(squares / (values[i].size() - 1)) : 0.0;
    if (mean < best) best = mean, result.winner = row.candidate;
  }
  return result;
}

nlohmann::json to_json(const Recommendation& r) {
  nlohmann::json rows = nlohmann::json::array();
  for (const CandidateRow& row : r.rows) {
    nlohmann::json j = {{"candidate", row.candidate}, {"kind", row.kind},         {"timesteps", row.timesteps},
                        {"nfe", row.nfe},             {"search_seconds", row.search_seconds}};
    if (row.error.empty()) {
      j["quality"] = row.quality;
      j["spread"] = row.spread;
    } else {
      j["quality"] = nullptr;
      j["spread"] = nullptr;
      j["error"] = row.error;
    }
    rows.push_back(j);
  }
  return {{"winner", r.winner}, {"measure", r.measure}, {"rows", rows}};
}

}  // namespace eddpm
