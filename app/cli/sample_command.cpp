// eddpm sample: draw samples from a checkpoint with any schedule (time series: sample_series.h).
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>
#include <torch/torch.h>

#include "atomic_file.h"
#include "checkpoint.h"
#include "cli_app.h"
#include "cli_options.h"
#include "sample_export.h"
#include "sample_series.h"
#include "rng.h"
#include "schedule_sampling.h"
#include "schedule_factory.h"
#include "schedule_import.h"

namespace eddpm::cli {

namespace {

struct SampleOptions {
  std::string checkpoint, schedule, out, start_noise, input, device = "auto";
  int64_t n = 0;  // 0: 2000 points or 64 images
  int64_t samples = 32;  // time series: imputations per window
  SolverOptions solver;
  uint64_t seed = 0;
};

std::vector<int> resolve_schedule(const std::string& spec, const TrainedModel& run, uint64_t seed) {
  const size_t colon = spec.rfind(':');
  const bool is_kind = colon != std::string::npos && spec.find('/') == std::string::npos &&
                       spec.size() - colon <= 7 && spec.find(".json") == std::string::npos;
  if (!is_kind) {  // a file in any form the exports write (schedule_import.h)
    try {
      const ImportedSchedule imported = import_schedule(read_text_file(spec, 16u << 20), run.noise);
      if (!imported.file) std::cerr << spec << ": " << describe(imported) << "\n";
      return imported.timesteps;
    } catch (const std::invalid_argument& e) {
      throw UsageError(spec + ": " + e.what());
    }
  }
  int K = 0;
  try {
    K = std::stoi(spec.substr(colon + 1));
  } catch (const std::exception&) {
    throw UsageError("--schedule " + spec + ": expected KIND:K, e.g. uniform:10");
  }
  at::Generator gen = make_cpu_generator(seed);
  return make_schedule(schedule_kind_from_string(spec.substr(0, colon)), K, run, gen);
}

int run_sample(const SampleOptions& o) {
  const Solver solver = o.solver.solver();
  auto run = load_checkpoint(o.checkpoint, o.device, [](const std::string& warning) { std::cerr << warning << "\n"; });
  const bool png = o.out.size() > 4 && o.out.substr(o.out.size() - 4) == ".png";
  const bool images = run.data->is_image();
  if (images && !png) throw UsageError("an image model writes a PNG grid: --out FILE.png");
  const std::vector<int> steps = resolve_schedule(o.schedule, run, o.seed);
  if (run.data->is_series()) {
    if (o.n > 0 || !o.start_noise.empty())
      throw UsageError("a time-series model imputes: --samples per window (and --input FILE.csv), not --n or --start-noise");
    return sample_series(run, steps, solver, {o.input, o.out, o.samples, o.seed});
  }
  if (!o.input.empty()) throw UsageError("--input is for time-series models (a CSV with gaps to fill)");
  torch::Tensor samples;
  int64_t n = o.n > 0 ? o.n : (images ? 64 : 2000);
  if (!o.start_noise.empty()) {  // another tool's draw, to run the very same chains
    if (images) throw UsageError("--start-noise is for 2-D models (a CSV of points)");
    if (o.n > 0) throw UsageError("--n goes without --start-noise: the file's rows are the samples");
    torch::Tensor x_T;
    try {
      x_T = load_points_csv(o.start_noise);
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
    n = x_T.size(0);
    samples = sample_schedule_from(run, steps, x_T, o.seed, solver);
  } else {
    samples = sample_schedule(run, steps, n, o.seed, solver);
  }
  const SampleProvenance provenance{o.schedule, steps, solver, o.seed, o.checkpoint};
  if (images) {
    save_image_grid_png(samples, o.out, provenance);
    std::cout << "sampled " << n << " images with " << steps.size() << " steps (" << solver.name() << ", "
              << solver.nfe(int64_t(steps.size())) << " network evaluations); wrote " << o.out << "\n";
    return 0;
  }
  if (png) {
    at::Generator gen = make_cpu_generator(o.seed + 99);
    save_samples_png(samples, run.data->sample(n, gen), o.out, provenance);
  } else {
    save_samples_csv(samples, o.out);
  }
  std::cout << "sampled " << n << " points with " << steps.size() << " steps (" << solver.name() << ", "
            << solver.nfe(int64_t(steps.size())) << " network evaluations); wrote " << o.out << "\n";
  return 0;
}

}  // namespace

void add_sample_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<SampleOptions>();
  CLI::App* cmd = app.add_subcommand("sample", "sample from a checkpoint with any schedule");
  cmd->add_option("--checkpoint", o->checkpoint, "a run's checkpoint.pt")->required()->check(CLI::ExistingFile);
  cmd->add_option("--schedule", o->schedule, "KIND:K (e.g. learned:10, karras:5) or a file in any form eddpm schedule writes (JSON, a sigma line, ...)")->required();
  cmd->add_option("--n", o->n, "number of samples (default 2000 points, 64 images)")->check(CLI::Range(1, 10000000));
  o->solver.add_to(*cmd);
  cmd->add_option("--start-noise", o->start_noise, "2-D: start from these points (a CSV \"x,y\", one row each) instead of a draw")
      ->check(CLI::ExistingFile);
  cmd->add_option("--seed", o->seed, "seed of the starting noise")->capture_default_str();
  cmd->add_option("--device", o->device, "auto | cpu | cuda")->capture_default_str();
  cmd->add_option("--samples", o->samples, "time series: imputations per window (their median fills, their spread scores)")
      ->check(CLI::Range(1, 100000))->capture_default_str();
  cmd->add_option("--input", o->input, "time series: a CSV with gaps of its own to fill (default: the test split)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--out", o->out,
                  "FILE.csv (points; time series: imputations), FILE.png (a scatter of points, or a grid of images)")
      ->required();
  cmd->callback([o, &action] { action = [o] { return run_sample(*o); }; });
}

}  // namespace eddpm::cli
