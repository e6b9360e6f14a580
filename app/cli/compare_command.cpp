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
#include "sample_export.h"
#include "schedule_comparison.h"

namespace eddpm::cli {

namespace {

struct CompareOptions {
  std::vector<std::string> checkpoints;
  std::string kinds = "learned,uniform,trailing,linspace,quadratic,logsnr,karras,kl-optimal,beta,elbo-dp";
  std::filesystem::path out;
  std::string device = "auto";
  int64_t grid = 64;
  int64_t n = 0;  // 0: 4000 points or 1000 images
  int64_t samples = 32;  // time series: imputations per test window
  SolverOptions solvers;
  ComparisonSettings settings;
};

std::string model_label(const std::string& path, const TrainConfig& c) {
  const std::string what = c.keep >= 1.0 ? "ddpm" : "eddpm-" + to_string(c.semantics) + "-" + to_string(c.reward);
  return what + " (" + path + ")";
}

// REPORT-learned.png beside REPORT.json (REPORT-2-learned.png for the second model,
// REPORT-learned-heun.png where several solvers are compared).
std::filesystem::path grid_path(const std::filesystem::path& report, size_t model_index, size_t models,
                                const ComparisonRow& row, size_t solvers) {
  std::string name = report.stem().string() + "-";
  if (models > 1) name += std::to_string(model_index + 1) + "-";
  name += row.schedule;
  if (solvers > 1 && row.solver) name += "-" + row.solver->name();
  return report.parent_path() / (name + ".png");
}

void print_header(bool series) {
  if (series)
    std::printf("%-44s %-11s %-8s %4s %5s %8s %8s %8s %10s %10s %9s %8s\n", "model", "schedule", "solver", "K", "NFE",
                "MAE", "RMSE", "CRPS", "MAE orig", "RMSE orig", "fidelity", "seconds");
  else
    std::printf("%-44s %-11s %-8s %4s %5s %9s %10s %9s %9s %9s %8s\n", "model", "schedule", "solver", "K", "NFE", "SWD",
                "MMD^2", "FD-LeNet", "fidelity", "fid-SWD", "seconds");
}

void print_row(const ComparisonRow& row) {
  const std::string solver = row.solver ? row.solver->name() : "-";
  if (row.imputation) {
    const ImputationScores& z = *row.imputation;
    const ImputationScores& orig = *row.imputation_original;
    std::printf("%-44.44s %-11s %-8s %4zu %5lld %8.4f %8.4f %8.4f %10.4f %10.4f %9.5f %8.3f\n", row.model.c_str(),
                row.schedule.c_str(), solver.c_str(), row.timesteps.size(), static_cast<long long>(row.nfe), z.mae,
                z.rmse, z.crps, orig.mae, orig.rmse, row.fidelity, row.seconds);
  } else {
    const std::string fd = row.fd >= 0 ? std::to_string(row.fd).substr(0, 9) : "-";
    std::printf("%-44.44s %-11s %-8s %4zu %5lld %9.4f %10.6f %9s %9.5f %9.4f %8.3f\n", row.model.c_str(),
                row.schedule.c_str(), solver.c_str(), row.timesteps.size(), static_cast<long long>(row.nfe), row.swd,
                row.mmd, fd.c_str(), row.fidelity, row.fidelity_swd, row.seconds);
  }
  std::fflush(stdout);
}

int run_compare(CompareOptions& o) {
  o.settings.solvers = o.solvers.solvers();
  const std::vector<ScheduleChoice> choices = parse_kinds(o.kinds, o.solvers.eta);
  const std::vector<Solver> solvers = solvers_in_use(choices, o.settings);
  const auto log = [](const std::string& message) { std::cerr << message << "\n"; };
  nlohmann::json report = nlohmann::json::array();
  std::vector<std::string> grids;
  o.settings.keep_samples = o.grid;
  bool previous_series = false;
  for (size_t m = 0; m < o.checkpoints.size(); ++m) {
    const std::string& path = o.checkpoints[m];
    auto run = load_checkpoint(path, o.device, log);
    const bool series = run.data->is_series();
    if (series && o.n > 0) throw UsageError("a time-series model is compared on --samples imputations per window, not --n");
    o.settings.n = series ? o.samples : o.n > 0 ? o.n : (run.data->is_image() ? 1000 : 4000);
    // A header again where the kind of model changes: the columns differ (CRPS against SWD).
    if (m == 0 || series != previous_series) print_header(series);
    previous_series = series;
    for (const Solver& solver : solvers)
      if (steps_for(solver, o.settings) > run.noise.T())
        throw UsageError((o.settings.nfe > 0 ? "--nfe gives " + solver.name() + " more steps than T of " : "--K exceeds T of ") +
                         path);
    const std::string label = model_label(path, run.config);
    for (const ComparisonRow& row : compare_schedules(run, label, choices, o.settings, log)) {
      print_row(row);
      nlohmann::json entry = to_json(row, o.settings);
      if (run.data->is_image() && row.samples.defined()) {
        const auto file = grid_path(o.out, m, o.checkpoints.size(), row, solvers.size());
        save_image_grid_png(row.samples, file, {row.schedule, row.timesteps, row.solver.value_or(Solver{}), o.settings.seed, path});
        entry["grid"] = file.filename().string();
        grids.push_back(file.string());
      }
      report.push_back(entry);
    }
  }
  write_text_atomically(o.out, report.dump(2) + "\n");
  std::cout << "wrote " << o.out.string() << "\n";
  if (!grids.empty()) std::cout << "wrote " << grids.size() << " image grids: " << grids.front() << " ...\n";
  return 0;
}

}  // namespace

void add_compare_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<CompareOptions>();
  CLI::App* cmd = app.add_subcommand("compare", "compare schedules on one or more models");
  cmd->add_option("--checkpoint", o->checkpoints, "one or more checkpoints (repeat or list)")
      ->required()->check(CLI::ExistingFile);
  cmd->add_option("--K", o->settings.K, "steps of every schedule")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--kinds", o->kinds,
                  "comma-separated schedule kinds; KIND@SOLVER[+SOLVER] samples that kind with those solvers alone "
                  "(the rest with every --solver)")->capture_default_str();
  cmd->add_option("--n", o->n, "samples per schedule (default 4000 points, 1000 images)")
      ->check(CLI::Range(2, 1000000));
  cmd->add_option("--samples", o->samples, "time series: imputations per test window (CRPS reads their spread)")
      ->check(CLI::Range(1, 100000))->capture_default_str();
  cmd->add_option("--nfe", o->settings.nfe,
                  "compare at equal network evaluations: each solver gets the most steps that fit (instead of --K)")
      ->check(CLI::Range(1, 100000));
  o->solvers.add_to(*cmd, true);
  cmd->add_option("--seed", o->settings.seed, "seed of the starting noise")->capture_default_str();
  cmd->add_option("--device", o->device, "auto | cpu | cuda")->capture_default_str();
  cmd->add_option("--grid", o->grid, "images per schedule in the PNG grids beside the report (image models)")
      ->check(CLI::Range(0, 1024))->capture_default_str();
  cmd->add_option("--out", o->out, "REPORT.json (image models: also REPORT-SCHEDULE.png grids)")->required();
  cmd->callback([o, &action] { action = [o] { return run_compare(*o); }; });
}

}  // namespace eddpm::cli
