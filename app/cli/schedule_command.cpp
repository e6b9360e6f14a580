// eddpm schedule: write any schedule kind at any K in the formats the tools take (json, csv, sigmas,
// comfyui, a1111), or bring one back from any of them (--import).
#include <filesystem>
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>
#include <torch/torch.h>

#include "atomic_file.h"
#include "checkpoint.h"
#include "cli_app.h"
#include "cli_options.h"
#include "rng.h"
#include "schedule_factory.h"
#include "schedule_file.h"
#include "schedule_import.h"
#include "search_progress.h"
#include "searched_schedule.h"
#include "sha256.h"

namespace eddpm::cli {

namespace {

struct ScheduleOptions {
  std::string kind = "uniform";
  int K = 10;
  BetaOptions beta;
  SolverOptions solver;
  std::string semantics = "jump";
  std::string checkpoint, timesteps, resample, import, out, format, device = "auto";
  uint64_t seed = 0;
  double budget_seconds = 0.0;
  int64_t teacher_samples = 100;
  std::string teacher_cache;  // empty: the default folder; "none": no cache
  bool quiet = false;
};

// How a kind is made: a rule on the noise schedule, a search on the model, or the mask.
std::string how_made(ScheduleKind kind) {
  if (kind == ScheduleKind::Learned) return "learned";
  if (kind == ScheduleKind::ElboDp || is_field_search(kind)) return "search";
  if (kind == ScheduleKind::Manual) return "manual";
  return "family";
}

// A search's schedule for the checkpoint and solver, with its progress on stderr and every setting
// it ran with in the file.
ScheduleFile searched_file(ScheduleKind kind, const ScheduleOptions& o) {
  auto run = load_checkpoint(o.checkpoint, o.device);
  SearchSettings settings;
  settings.solver = o.solver.solver();
  settings.teacher.samples = o.teacher_samples;
  settings.teacher.seed = o.seed;
  settings.ays.seed = o.seed;
  settings.checkpoint_sha256 = sha256_file(o.checkpoint);
  if (o.teacher_cache != "none")
    settings.teacher_cache = o.teacher_cache.empty() ? default_teacher_cache() : std::filesystem::path(o.teacher_cache);
  SearchProgressLine line(o.kind, o.quiet);
  SearchHooks hooks;
  hooks.budget_seconds = o.budget_seconds;
  hooks.on_progress = [&line](double fraction, const std::string& note) { line.update(fraction, note); };
  SearchResult found;
  try {
    found = search_schedule(kind, run, o.K, settings, hooks);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--kind ") + o.kind + ": " + e.what());
  }
  line.finish(found.seconds);
  ScheduleFile file = make_schedule_file(run.noise, run.config.semantics, found.timesteps, o.kind);
  file.how = "search";
  file.settings = found.settings;
  file.settings["seed"] = o.seed;
  file.settings["search_seconds"] = found.seconds;
  if (o.budget_seconds > 0) file.settings["budget_seconds"] = o.budget_seconds;
  file.checkpoint_sha256 = settings.checkpoint_sha256;
  file.prediction = run.config.prediction;
  return file;
}

int run_schedule(const ScheduleOptions& o) {
  const ScheduleKind kind = schedule_kind_from_string(o.kind);
  const Solver solver = o.solver.solver();
  ScheduleFormat format;
  try {
    const auto by_path = schedule_format_of_path(o.out);
    if (o.format.empty() && !by_path)
      throw UsageError("--out " + o.out + ": name a --format (json, csv, sigmas, comfyui, a1111) or end it in .json or .csv");
    format = o.format.empty() ? *by_path : schedule_format_from_string(o.format);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--format: ") + e.what());
  }
  ScheduleFile file;
  if (!o.import.empty()) {
    std::unique_ptr<NoiseSchedule> noise;
    Semantics semantics = semantics_from_string(o.semantics);
    std::string prediction = "eps", sha;
    if (!o.checkpoint.empty()) {
      auto run = load_checkpoint(o.checkpoint, o.device);
      noise = std::make_unique<NoiseSchedule>(run.noise.spec());
      semantics = run.config.semantics;
      prediction = run.config.prediction;
      sha = sha256_file(o.checkpoint);
    } else {
      noise = std::make_unique<NoiseSchedule>(o.beta.spec());
    }
    ImportedSchedule imported;
    try {
      imported = import_schedule(read_text_file(o.import, 16u << 20), *noise);
    } catch (const std::invalid_argument& e) {
      throw UsageError(o.import + ": " + e.what());
    }
    std::cerr << o.import << ": " << describe(imported) << "\n";
    if (imported.file) {
      file = *imported.file;
    } else {
      file = make_schedule_file(*noise, semantics, imported.timesteps, "imported");
      file.how = "imported";
      file.settings = {{"form", imported.form}, {"largest_move", imported.largest_move}};
      file.prediction = prediction;
      file.checkpoint_sha256 = sha;
    }
  } else if (!o.resample.empty()) {
    const ScheduleFile given = load_schedule_json(o.resample);
    const NoiseSchedule noise(given.beta);
    file = make_schedule_file(noise, given.semantics, resample_schedule(given.timesteps, o.K, noise),
                              given.source + "-resampled");
    file.how = "resampled";
    file.settings = {{"from", given.source}, {"K_before", given.timesteps.size()}};
    file.checkpoint_sha256 = given.checkpoint_sha256;
    file.prediction = given.prediction;
    file.solver = given.solver;
  } else if (kind == ScheduleKind::Manual) {
    if (o.timesteps.empty()) throw UsageError("--kind manual needs --timesteps \"t1,t2,...\"");
    const NoiseSchedule noise(o.beta.spec());
    file = make_schedule_file(noise, semantics_from_string(o.semantics), parse_timestep_list(o.timesteps), "manual");
  } else if (is_field_search(kind)) {
    if (o.checkpoint.empty()) throw UsageError("--kind " + o.kind + " is a search on a model: it needs --checkpoint");
    file = searched_file(kind, o);
  } else if (!o.checkpoint.empty()) {
    auto run = load_checkpoint(o.checkpoint, o.device);
    at::Generator gen = make_cpu_generator(o.seed);
    file = make_schedule_file(run.noise, run.config.semantics, make_schedule(kind, o.K, run, gen), o.kind);
    file.how = how_made(kind);
    file.settings = {{"K", o.K}};
    if (kind == ScheduleKind::ElboDp) file.settings["seed"] = o.seed;
    file.checkpoint_sha256 = sha256_file(o.checkpoint);
    file.prediction = run.config.prediction;
  } else {
    if (!is_closed_form(kind)) throw UsageError("--kind " + o.kind + " needs --checkpoint");
    const NoiseSchedule noise(o.beta.spec());
    file = make_schedule_file(noise, semantics_from_string(o.semantics), handcrafted_schedule(kind, o.K, noise), o.kind);
    file.how = how_made(kind);
    file.settings = {{"K", o.K}};
  }
  const bool keeps_its_solver = !o.solver.given() && (!o.import.empty() || !o.resample.empty());
  if (!keeps_its_solver) file.solver = solver;
  save_schedule(file, o.out, format);
  std::cout << file.source << " (K=" << file.timesteps.size() << ", " << file.solver.name() << ", "
            << file.solver.nfe(int64_t(file.timesteps.size())) << " network evaluations):";
  for (int t : file.timesteps) std::cout << ' ' << t;
  std::cout << "\nwrote " << o.out << "\n";
  return 0;
}

}  // namespace

void add_schedule_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<ScheduleOptions>();
  CLI::App* cmd = app.add_subcommand("schedule", "write a sampling schedule for the tools that run it (docs/EXPORT.md)");
  cmd->add_option("--kind", o->kind,
                  "uniform|trailing|linspace|quadratic|logsnr|karras|kl-optimal|beta|elbo-dp|learned|manual|full, "
                  "or a search for --solver: gits|dmn|ays|ld3 (docs/SEARCHES.md)")
      ->capture_default_str();
  cmd->add_option("--K", o->K, "number of steps")->check(CLI::PositiveNumber)->capture_default_str();
  o->beta.add_to(*cmd);
  o->solver.add_to(*cmd);
  cmd->add_option("--semantics", o->semantics, "levels written for: paper | jump")
      ->check(CLI::IsMember({"paper", "jump"}))->capture_default_str();
  cmd->add_option("--checkpoint", o->checkpoint, "a run's checkpoint (needed by learned, elbo-dp and the searches)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--timesteps", o->timesteps, "manual steps, 0-based, e.g. \"999,749,499,249,0\"");
  cmd->add_option("--resample", o->resample, "a schedule file to move to --K steps")->check(CLI::ExistingFile);
  cmd->add_option("--import", o->import,
                  "a schedule in any form: our JSON, {\"timesteps\"} or {\"sigmas\"} JSON, a sigma line (ComfyUI), "
                  "a [list] (A1111), numbers one per line; sigmas move to the nearest timestep")
      ->check(CLI::ExistingFile);
  cmd->add_option("--device", o->device, "auto | cpu | cuda")->capture_default_str();
  cmd->add_option("--seed", o->seed, "seed of the data batch elbo-dp and ays measure on, and of the teacher's noise")
      ->capture_default_str();
  cmd->add_option("--budget-seconds", o->budget_seconds,
                  "stop an iterative search (ays, ld3) after this long with the best steps so far (0: until it converges)")
      ->check(CLI::NonNegativeNumber)->capture_default_str();
  cmd->add_option("--teacher-samples", o->teacher_samples, "trajectories of the teacher gits and ld3 compare with")
      ->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--teacher-cache", o->teacher_cache,
                  "folder of cached teachers (default $EDDPM_CACHE_DIR, $XDG_CACHE_HOME/eddpm or ~/.cache/eddpm; "
                  "'none': no cache)");
  cmd->add_flag("--quiet", o->quiet, "no progress line");
  cmd->add_option("--format", o->format, "json | csv | sigmas | comfyui | a1111 (default: by --out's extension)")
      ->check(CLI::IsMember({"json", "csv", "sigmas", "comfyui", "a1111"}));
  cmd->add_option("--out", o->out, "the file to write")->required();
  cmd->callback([o, &action] { action = [o] { return run_schedule(*o); }; });
}

}  // namespace eddpm::cli
