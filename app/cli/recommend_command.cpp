// eddpm recommend: which K steps to use with this model and solver. Every family, the field's
// searches and EDDPM's mask search propose; all are scored on held-out noise and data; the winner
// is written in every export format beside report.json (core/training/step_recommendation.h).
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>

#include <CLI/CLI.hpp>
#include <torch/torch.h>

#include "atomic_file.h"
#include "checkpoint.h"
#include "cli_app.h"
#include "cli_options.h"
#include "schedule_file.h"
#include "search_progress.h"
#include "sha256.h"
#include "step_recommendation.h"
#include "teacher.h"

namespace eddpm::cli {

namespace {

struct RecommendOptions {
  std::string checkpoint, out, measure, device = "auto", teacher_cache;
  SolverOptions solver;
  int K = 10;
  double budget_minutes = 0.0;
  int64_t n = 0, eddpm_iters = 400;
  int repeats = 3;
  uint64_t seed = 0;
  bool overwrite = false, quiet = false;
};

// The winner's files: one per export format (docs/EXPORT.md).
const std::vector<std::pair<std::string, ScheduleFormat>>& winner_files() {
  static const std::vector<std::pair<std::string, ScheduleFormat>> files = {
      {"steps.json", ScheduleFormat::Json},          {"steps.csv", ScheduleFormat::Csv},
      {"steps-sigmas.txt", ScheduleFormat::Sigmas},  {"steps-comfyui.txt", ScheduleFormat::ComfyUi},
      {"steps-a1111.txt", ScheduleFormat::A1111}};
  return files;
}

int run_recommend(const RecommendOptions& o) {
  const std::filesystem::path out = o.out;
  if (std::filesystem::exists(out / "report.json") && !o.overwrite)
    throw UsageError(o.out + " holds a recommendation already (report.json): give --overwrite to replace it");
  auto run = load_checkpoint(o.checkpoint, o.device);
  RecommendSettings settings;
  settings.solver = o.solver.solver();
  settings.K = o.K;
  settings.measure = o.measure;
  settings.budget_minutes = o.budget_minutes;
  settings.n = o.n;
  settings.repeats = o.repeats;
  settings.seed = o.seed;
  settings.eddpm_iters = o.eddpm_iters;
  settings.checkpoint = o.checkpoint;
  settings.checkpoint_sha256 = sha256_file(o.checkpoint);
  if (o.teacher_cache != "none")
    settings.teacher_cache = o.teacher_cache.empty() ? default_teacher_cache() : std::filesystem::path(o.teacher_cache);
  std::filesystem::create_directories(out);
  settings.work_dir = out;

  std::map<std::string, std::unique_ptr<SearchProgressLine>> lines;
  RecommendHooks hooks;
  hooks.on_progress = [&](const std::string& candidate, double fraction, const std::string& note) {
    auto& line = lines[candidate];
    if (!line) line = std::make_unique<SearchProgressLine>(candidate, o.quiet);
    line->update(fraction, note);
  };
  Recommendation result;
  try {
    result = recommend_steps(run, settings, hooks);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  if (!o.quiet) std::cerr << "\n";
  std::printf("%-12s %-8s %12s %10s %5s %9s  steps\n", "candidate", "kind", result.measure.c_str(), "spread", "NFE",
              "seconds");
  for (const CandidateRow& row : result.rows) {
    if (!row.error.empty()) {
      std::printf("%-12s %-8s  not run: %s\n", row.candidate.c_str(), row.kind.c_str(), row.error.c_str());
      continue;
    }
    std::string steps;
    for (int t : row.timesteps) steps += " " + std::to_string(t);
    std::printf("%-12s %-8s %12.5g %10.3g %5lld %9.1f %s%s\n", row.candidate.c_str(), row.kind.c_str(), row.quality,
                row.spread, (long long)row.nfe, row.search_seconds, steps.c_str(),
                row.candidate == result.winner ? "  <- winner" : "");
  }
  if (result.winner.empty()) throw std::runtime_error("no candidate could be scored");
  const CandidateRow& best = *std::find_if(result.rows.begin(), result.rows.end(),
                                           [&](const CandidateRow& r) { return r.candidate == result.winner; });
  ScheduleFile file = make_schedule_file(run.noise, run.config.semantics, best.timesteps, "recommended-" + best.candidate);
  file.how = best.kind == "family" ? "family" : best.kind == "learned" ? "learned" : "search";
  file.settings = {{"K", o.K}, {"measure", result.measure}, {"quality", best.quality}, {"spread", best.spread}};
  file.solver = settings.solver;
  file.checkpoint_sha256 = settings.checkpoint_sha256;
  file.prediction = run.config.prediction;
  for (const auto& [name, format] : winner_files()) save_schedule(file, out / name, format);
  write_text_atomically(out / "report.json", to_json(result).dump(2) + "\n");
  std::cout << "winner: " << result.winner << " (" << result.measure << " " << best.quality << " +- " << best.spread
            << " over " << o.repeats << " held-out draws)\nwrote " << o.out << "/report.json and the winner as steps.json, "
            << "steps.csv, steps-sigmas.txt, steps-comfyui.txt, steps-a1111.txt\n";
  return 0;
}

}  // namespace

void add_recommend_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<RecommendOptions>();
  CLI::App* cmd = app.add_subcommand(
      "recommend", "find the K steps to use with a model and solver: families, searches and EDDPM's mask search, scored "
                   "on held-out samples (docs/SEARCHES.md)");
  cmd->add_option("--checkpoint", o->checkpoint, "the model's checkpoint")->required()->check(CLI::ExistingFile);
  o->solver.add_to(*cmd);
  cmd->add_option("--K", o->K, "number of steps")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--measure", o->measure,
                  "fd (MNIST) | crps (time series) | swd (points, images) | fidelity (to the full chain); "
                  "default: the model's own check")
      ->check(CLI::IsMember({"fd", "crps", "swd", "fidelity"}));
  cmd->add_option("--budget-minutes", o->budget_minutes,
                  "time for ELBO-DP, the searches and EDDPM's mask search together, in six even shares (0: each runs to its end)")
      ->check(CLI::NonNegativeNumber)->capture_default_str();
  cmd->add_option("--n", o->n, "samples per score (default 2000 points, 500 images, 16 imputations a window)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--repeats", o->repeats, "held-out draws per candidate (quality is their mean, spread their SD)")
      ->check(CLI::Range(1, 20))->capture_default_str();
  cmd->add_option("--eddpm-iters", o->eddpm_iters, "iterations of EDDPM's mask search")
      ->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--seed", o->seed, "seed of the searches (the held-out draws use others)")->capture_default_str();
  cmd->add_option("--teacher-cache", o->teacher_cache, "folder of cached teachers ('none': no cache)");
  cmd->add_option("--device", o->device, "auto | cpu | cuda")->capture_default_str();
  cmd->add_option("--out", o->out, "folder for report.json and the winner's files")->required();
  cmd->add_flag("--overwrite", o->overwrite, "replace a recommendation already in --out");
  cmd->add_flag("--quiet", o->quiet, "no progress lines");
  cmd->callback([o, &action] { action = [o] { return run_recommend(*o); }; });
}

}  // namespace eddpm::cli
