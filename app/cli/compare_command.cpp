// eddpm compare: every schedule family on every model from the same starting noise.
#include <cstdio>
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "atomic_file.h"
#include "checkpoint.h"
#include "cli_app.h"
#include "cli_options.h"
#include "schedule_comparison.h"

namespace eddpm::cli {

namespace {

struct CompareOptions {
  std::vector<std::string> checkpoints;
  std::string kinds = "learned,uniform,trailing,linspace,quadratic,logsnr,karras,kl-optimal,elbo-dp";
  std::string out, device = "auto";
  ComparisonSettings settings;
};

std::string model_label(const std::string& path, const TrainConfig& c) {
  const std::string what = c.keep >= 1.0 ? "ddpm" : "eddpm-" + to_string(c.semantics) + "-" + to_string(c.reward_weight);
  return what + " (" + path + ")";
}

int run_compare(CompareOptions& o) {
  const std::vector<ScheduleKind> kinds = parse_kinds(o.kinds);
  nlohmann::json report = nlohmann::json::array();
  std::printf("%-44s %-11s %3s %9s %10s %9s %8s\n", "model", "schedule", "K", "SWD", "MMD^2", "fidelity", "seconds");
  for (const std::string& path : o.checkpoints) {
    auto run = load_checkpoint(path, o.device);
    if (o.settings.K > run->noise().T()) throw UsageError("--K exceeds T of " + path);
    const std::string label = model_label(path, run->config());
    for (const ComparisonRow& row : compare_schedules(*run, label, kinds, o.settings)) {
      std::printf("%-44.44s %-11s %3zu %9.4f %10.6f %9.5f %8.3f\n", row.model.c_str(), row.schedule.c_str(),
                  row.timesteps.size(), row.swd, row.mmd, row.fidelity, row.seconds);
      std::fflush(stdout);
      report.push_back(to_json(row, o.settings));
    }
  }
  write_text_atomically(o.out, report.dump(2) + "\n");
  std::cout << "wrote " << o.out << "\n";
  return 0;
}

}  // namespace

void add_compare_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<CompareOptions>();
  CLI::App* cmd = app.add_subcommand("compare", "compare schedules on one or more models");
  cmd->add_option("--checkpoint", o->checkpoints, "one or more checkpoints (repeat or list)")
      ->required()->check(CLI::ExistingFile);
  cmd->add_option("--K", o->settings.K, "steps of every schedule")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--kinds", o->kinds, "comma-separated schedule kinds")->capture_default_str();
  cmd->add_option("--n", o->settings.n, "samples per schedule")->check(CLI::Range(2, 1000000))->capture_default_str();
  cmd->add_option("--eta", o->settings.eta, "0 = DDIM, 1 = DDPM")->check(CLI::Range(0.0, 1.0))->capture_default_str();
  cmd->add_option("--seed", o->settings.seed, "seed of the starting noise")->capture_default_str();
  cmd->add_option("--device", o->device, "auto | cpu | cuda")->capture_default_str();
  cmd->add_option("--out", o->out, "REPORT.json")->required();
  cmd->callback([o, &action] { action = [o] { return run_compare(*o); }; });
}

}  // namespace eddpm::cli
