// eddpm schedule: write any schedule kind at any K as JSON or CSV.
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>
#include <torch/torch.h>

#include "checkpoint.h"
#include "cli_app.h"
#include "cli_options.h"
#include "rng.h"
#include "schedule_factory.h"
#include "schedule_file.h"
#include "schedule_output.h"

namespace eddpm::cli {

namespace {

struct ScheduleOptions {
  std::string kind = "uniform";
  int K = 10;
  BetaOptions beta;
  std::string semantics = "jump";
  std::string checkpoint, timesteps, resample, out, device = "auto";
  uint64_t seed = 0;
};

int run_schedule(const ScheduleOptions& o) {
  const ScheduleKind kind = schedule_kind_from_string(o.kind);
  ScheduleFile file;
  if (!o.resample.empty()) {
    const ScheduleFile given = load_schedule_json(o.resample);
    const NoiseSchedule noise(given.beta);
    file = make_schedule_file(noise, given.semantics, resample_schedule(given.timesteps, o.K, noise),
                              given.source + "-resampled");
  } else if (kind == ScheduleKind::Manual) {
    if (o.timesteps.empty()) throw UsageError("--kind manual needs --timesteps \"t1,t2,...\"");
    const NoiseSchedule noise(o.beta.spec());
    file = make_schedule_file(noise, semantics_from_string(o.semantics), parse_timestep_list(o.timesteps), "manual");
  } else if (!o.checkpoint.empty()) {
    auto run = load_checkpoint(o.checkpoint, o.device);
    at::Generator gen = make_cpu_generator(o.seed);
    file = make_schedule_file(run.noise, run.config.semantics, make_schedule(kind, o.K, run, gen), o.kind);
  } else {
    if (!is_closed_form(kind)) throw UsageError("--kind " + o.kind + " needs --checkpoint");
    const NoiseSchedule noise(o.beta.spec());
    file = make_schedule_file(noise, semantics_from_string(o.semantics), handcrafted_schedule(kind, o.K, noise), o.kind);
  }
  write_schedule(file, o.out);
  std::cout << file.source << " (K=" << file.timesteps.size() << "):";
  for (int t : file.timesteps) std::cout << ' ' << t;
  std::cout << "\nwrote " << o.out << "\n";
  return 0;
}

}  // namespace

void add_schedule_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<ScheduleOptions>();
  CLI::App* cmd = app.add_subcommand("schedule", "write a sampling schedule (JSON or CSV by extension)");
  cmd->add_option("--kind", o->kind,
                  "uniform|trailing|linspace|quadratic|logsnr|karras|kl-optimal|elbo-dp|learned|manual|full")
      ->capture_default_str();
  cmd->add_option("--K", o->K, "number of steps")->check(CLI::PositiveNumber)->capture_default_str();
  o->beta.add_to(*cmd);
  cmd->add_option("--semantics", o->semantics, "levels written for: paper | jump")
      ->check(CLI::IsMember({"paper", "jump"}))->capture_default_str();
  cmd->add_option("--checkpoint", o->checkpoint, "a run's checkpoint (needed by learned and elbo-dp)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--timesteps", o->timesteps, "manual steps, 0-based, e.g. \"999,749,499,249,0\"");
  cmd->add_option("--resample", o->resample, "a schedule file to move to --K steps")->check(CLI::ExistingFile);
  cmd->add_option("--device", o->device, "auto | cpu | cuda")->capture_default_str();
  cmd->add_option("--seed", o->seed, "seed of the data batch elbo-dp measures on")->capture_default_str();
  cmd->add_option("--out", o->out, "FILE.json or FILE.csv")->required();
  cmd->callback([o, &action] { action = [o] { return run_schedule(*o); }; });
}

}  // namespace eddpm::cli
