// eddpm train: an EDDPM run from scratch or from a checkpoint, writing a run folder.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <torch/cuda.h>
#include <torch/torch.h>

#include "adaptive_cpu_threads.h"
#include "training_checkpoint.h"
#include "cli_app.h"
#include "cli_options.h"
#include "collective.h"
#include "local_workers.h"
#include "process_place.h"
#include "setting_options.h"
#include "setting_table.h"
#include "compute_device.h"
#include "pretrained_start.h"
#include "schedule_meter.h"
#include "schedule_verdict.h"
#include "torchscript_model.h"
#include "training_run.h"
#include "unet.h"

namespace eddpm::cli {

namespace {

struct TrainOptions;
int train_and_report(EddpmTrainer& trainer, const TrainOptions& o, RunFolderMode mode);

struct TrainOptions {
  TrainConfig config;
  SettingOptions settings;  // a flag per row of the settings table
  BetaOptions beta;
  std::string masks, mask_draw;  // older spellings of per_example_masks and fused_mask_draw
  int steps_kept = 0;
  bool no_pin = false, pin = false;
  std::string out, from, resume;
  bool quiet = false, overwrite = false, no_verdict = false;
  double autosave_minutes = 5.0;
  double epochs = 0.0;
  int nproc = 1;                      // local workers to start (data-parallel)
  std::string dist_backend = "auto";  // c10d backend of a data-parallel run
};

bool data_is_endless(const TrainConfig& c) { return !c.image_data() && !c.series_data(); }

// A data-parallel worker (torchrun's variables, set by `--nproc` or by torchrun, Slurm or a shell):
// the group it trains in and the device it trains on (GPU LOCAL_RANK where "auto" or "cuda" leaves
// the index open). A process without the variables trains alone.
struct Rank {
  std::shared_ptr<Collective> group;
  std::string device;
};

Rank join_ranks(const std::string& device, const std::string& backend) {
  ProcessPlace place;
  try {
    place = process_place_from_environment();
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string(e.what()) + " (the variables torchrun and `--nproc` set)");
  }
  Rank rank{nullptr, device};
  if (!place.distributed()) return rank;
  const c10::Device resolved = resolve_device(device);
  if (resolved.is_cuda() && !resolved.has_index() && torch::cuda::device_count() > 0)
    rank.device = "cuda:" + std::to_string(place.local_rank % int(torch::cuda::device_count()));
  rank.group = Collective::join(place, resolve_device(rank.device), backend_from_string(backend));
  return rank;
}

// Ranks other than 0 say nothing but their errors: rank 0 speaks for the run.
class SilentRank {
 public:
  explicit SilentRank(bool silent) {
    if (!silent) return;
    err_ = std::cerr.rdbuf(&nothing_);
    out_ = std::cout.rdbuf(&nothing_);
  }
  ~SilentRank() {
    if (err_) std::cerr.rdbuf(err_);
    if (out_) std::cout.rdbuf(out_);
  }

 private:
  struct Nothing : std::streambuf {
    int overflow(int c) override { return c; }
  } nothing_;
  std::streambuf* err_ = nullptr;
  std::streambuf* out_ = nullptr;
};

std::string ranks_text(const Collective& group) {
  return group.distributed() ? " on " + std::to_string(group.size()) + " data-parallel processes" : std::string();
}

void print_progress(const TrainSnapshot& snap, const TrainingProgress& p, bool tty) {
  static int last_tenth = -1;
  const int tenth = int(10 * p.iteration / std::max<int64_t>(1, p.total));
  if (!tty && tenth == last_tenth && p.iteration != p.total) return;
  last_tenth = tenth;
  // One thread means the cores are shared with other work (adaptive_cpu_threads.h): say why it is slower.
  std::fprintf(stderr, "%siter %lld/%lld  %.0f it/s%s  ETA %s  loss %.4f  sum_s %.1f  >0.5: %d  u %.3f%s",
               tty ? "\r\033[K" : "", (long long)p.iteration, (long long)p.total, p.its_per_s,
               p.threads == 1 ? " on 1 thread (cores busy)" : "", format_duration(p.eta_seconds).c_str(), snap.loss, snap.stats.sum, snap.stats.kept_over_half,
               snap.stats.uncertainty, tty ? "" : "\n");
  std::fflush(stderr);
}

int run_resume(TrainOptions& o) {
  const std::filesystem::path run_dir = o.resume;
  const Rank rank = join_ranks(o.config.device, o.dist_backend);
  auto trainer = resume_training(run_dir / "checkpoint.pt", rank.device,
                                 [](const std::string& warning) { std::cerr << warning << "\n"; }, rank.group);
  const SilentRank silent(trainer->rank() > 0);
  if (o.settings.given("iters")) {
    if (o.config.iters <= trainer->iteration())
      throw UsageError("--iters " + std::to_string(o.config.iters) + " is not past the checkpoint's iteration " +
                       std::to_string(trainer->iteration()));
    trainer->set_total_iters(o.config.iters);
  }
  if (o.settings.given("lr")) trainer->set_model_learning_rate(o.config.lr);
  if (o.settings.given("lr_s")) trainer->set_mask_learning_rate(o.config.lr_s);
  std::cerr << "Resuming " << o.resume << " at iteration " << trainer->iteration() << " of " << trainer->config().iters
            << " on " << describe_device(trainer->device()) << ranks_text(trainer->group()) << "\n";
  o.out = o.resume;
  return train_and_report(*trainer, o, RunFolderMode::resume);
}

int run_train(TrainOptions& o) {
  // This process starts the workers (each runs this same command line as a worker) and waits.
  const bool starts_workers = o.nproc > 1 && !process_place_from_environment().distributed();
  if (!o.resume.empty()) return starts_workers ? run_local_workers(o.nproc) : run_resume(o);
  if (o.out.empty()) throw UsageError("--out is required (or --resume RUN_DIR)");
  const RunFolderMode mode = o.overwrite ? RunFolderMode::overwrite : RunFolderMode::new_run;
  if (starts_workers) {
    check_run_folder(o.out, mode);  // refused here at once, not by worker 0 after the others joined
    return run_local_workers(o.nproc);
  }
  const Rank rank = join_ranks(o.config.device, o.dist_backend);
  const SilentRank silent(rank.group && rank.group->rank() > 0);
  if (!rank.group || rank.group->rank() == 0) check_run_folder(o.out, mode);  // before the data loads: a refusal is immediate
  TrainConfig& c = o.config;
  if (!o.settings.given("model") && c.image_data()) c.model = "tiny";
  if (!o.settings.given("model") && c.series_data()) c.model = "csdi";
  if (o.epochs > 0 && data_is_endless(c))
    throw UsageError("--epochs needs a finite data set (mnist, folder:PATH, weather or csv:PATH)");
  c.beta = o.beta.spec(c.series_data());
  // The paper's time-series claim is 20% of the steps: K = 10 of CSDI's 50.
  if (c.series_data() && !o.settings.given("keep") && o.steps_kept == 0) c.keep = 0.2;
  if (c.series_data() && !o.settings.given("batch")) c.batch = 16;  // CSDI's, and seconds per iteration at 256
  if (!o.settings.given("semantics")) c.semantics = default_semantics(c.beta);
  if (!o.masks.empty() && o.settings.given("per_example_masks"))
    throw UsageError("--masks is the older spelling of --per-example-masks: give one of them");
  if (!o.mask_draw.empty() && o.settings.given("fused_mask_draw"))
    throw UsageError("--mask-draw is the older spelling of --fused-mask-draw: give one of them");
  if (!o.masks.empty()) c.per_example_masks = o.masks == "example";
  if (!o.mask_draw.empty()) c.fused_mask_draw = o.mask_draw == "fused";
  if (o.steps_kept > 0) {
    if (o.steps_kept > c.beta.T) throw UsageError("--steps-kept must not exceed T");
    c.keep = double(o.steps_kept) / c.beta.T;
  }
  apply_start_from(c, o.from, {o.settings.given("semantics"), o.settings.given("reward"), c.warmup >= 0});
  c.pin_last = o.pin || (!o.no_pin && default_pin_last(c.semantics));
  const bool from_torchscript = c.model == "torchscript";
  validate(c);

  const c10::Device device = resolve_device(rank.device);
  if (from_torchscript) std::cerr << torchscript_warning(c.model_file) << "\n";
  const DatasetPtr data = make_dataset(c, [](const std::string& note) { std::cerr << "Note: " << note << "\n"; });
  if (c.image_data())
    std::cerr << "Loaded " << c.data << ": " << data->train_size() << " training images at " << c.image_size() << "x"
              << c.image_size() << "x" << c.image_channels() << "\n";
  if (c.series_data())
    std::cerr << "Loaded " << c.data << ": " << data->sample_shape()[0] << " series, " << data->train_size()
              << " training windows of " << c.window << " time points\n";
  if (o.epochs > 0) {
    const int64_t per_epoch = (std::max<int64_t>(data->train_size(), 1) + c.batch - 1) / c.batch;
    c.iters = std::max<int64_t>(1, int64_t(std::ceil(o.epochs * double(per_epoch))));
    std::cerr << o.epochs << " epoch(s) of " << data->train_size() << " examples: " << c.iters << " iterations\n";
    validate(c);
  }
  EddpmTrainer trainer(c, device, data, rank.group);
  if (!o.from.empty() && !from_torchscript) {
    std::cerr << "Loading model weights from " << o.from << "\n";
    copy_model_weights(o.from, trainer);
  }
  std::cerr << "Model " << c.model << ": " << parameter_count(trainer.model()) << " parameters"
            << (c.freeze_model ? " (frozen: only the mask learns)" : "") << "\n";
  std::cerr << "Training on " << c.data << " with " << describe_device(device) << ranks_text(trainer.group())
            << ": T=" << c.beta.T << ", K="
            << c.steps_kept() << ", " << to_string(c.semantics) << " semantics, reward " << to_string(c.reward)
            << (c.rollout_reward() ? " (" + std::to_string(c.masks_per_iter) + " masks x " + std::to_string(c.pool) +
                                         " samples per iteration, initial budget " +
                                         std::to_string(c.initial_budget_steps()) + ")"
                                   : std::string())
            << (c.pin_last ? "" : ", last step not pinned") << ", warm-up " << c.warmup_iters() << ", ramp end "
            << c.ramp_end_iters()
            << (trainer.uses_device_step() ? ", " + trainer.plan().describe(device) : std::string())
            << "\n";
  return train_and_report(trainer, o, mode);
}

// One line for a LibTorch error: its first line, or for the TorchScript interpreter's report (a
// header, a traceback, the reason) the reason on its last line.
std::string failure_reason(const std::string& what) {
  const std::string first = what.substr(0, what.find('\n'));
  if (first.find("TorchScript interpreter") == std::string::npos) return first;
  const size_t end = what.find_last_not_of("\n ");
  if (end == std::string::npos) return first;
  const size_t begin = what.rfind('\n', end);
  return "TorchScript model failed: " + what.substr(begin == std::string::npos ? 0 : begin + 1, end + 1 - (begin == std::string::npos ? 0 : begin + 1));
}

// The guard of schedule_verdict.h: the learned steps against every handcrafted family on fresh
// noise, one plain sentence on stdout and the numbers in verdict.json.
void report_verdict(EddpmTrainer& trainer, const std::string& out) {
  std::cerr << "Measuring the learned steps against the handcrafted ones on fresh noise ("
            << check_name(trainer.trained()) << ")...\n";
  const ScheduleVerdict verdict = judge_learned_schedule(trainer.trained());
  std::cout << "verdict: " << verdict.summary() << "\n";
  save_verdict(verdict, std::filesystem::path(out) / "verdict.json");
  std::cout << "wrote " << out << "/verdict.json\n";
}

int train_and_report(EddpmTrainer& trainer, const TrainOptions& o, RunFolderMode mode) {
  const bool tty = isatty(STDERR_FILENO) && !o.quiet;
  RunCallbacks callbacks;
  callbacks.autosave_seconds = o.autosave_minutes * 60.0;
  callbacks.adapt_cpu_threads = !cpu_threads_pinned();
  callbacks.on_snapshot = [&trainer, tty, quiet = o.quiet, noted = false](const TrainSnapshot& s,
                                                                           const TrainingProgress& p) mutable {
    if (!noted && !trainer.graph_error().empty()) {
      std::cerr << (tty ? "\n" : "") << "Note: the CUDA graph capture failed (" << trainer.graph_error()
                << "); training goes on without it, a little slower\n";
      noted = true;
    }
    if (!quiet) print_progress(s, p, tty);
  };
  callbacks.on_settle_choice = [tty](const SettleChoice& choice) {
    std::cerr << (tty ? "\n" : "") << choice.summary() << " ("
              << (choice.recheck ? "settle_recheck.json" : "settle_choice.json") << ")\n";
  };
  TrainSnapshot last;
  const auto started = std::chrono::steady_clock::now();
  try {
    last = run_training(trainer, o.out, callbacks, mode);
  } catch (const NonFiniteLoss&) {
    throw;  // says itself how to resume
  } catch (const RunFolderInUse&) {
    throw;  // a usage error: nothing was written
  } catch (const std::exception& e) {  // CUDA out of memory or another LibTorch failure mid-run
    throw std::runtime_error(failure_reason(e.what()) + " (the last checkpoint in " + o.out +
                             " is intact: continue with `eddpm train --resume " + o.out +
                             (trainer.device().is_cpu() ? "`)" : " --device cpu` to go on on the CPU)"));
  }
  if (tty) std::cerr << "\n";
  if (trainer.group().distributed()) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const double talking = trainer.group().seconds_communicating();
    std::cerr << "Worker 0 spent " << int(std::lround(talking)) << " s of " << int(std::lround(seconds))
              << " s in collectives (" << int(std::lround(100.0 * talking / std::max(seconds, 1e-9)))
              << "%: communicating and waiting for the other workers)\n";
  }
  std::cout << "learned schedule (K=" << last.learned.size() << "):";
  const size_t shown = last.learned.size() > 40 ? 10 : last.learned.size();  // a full chain is 1,000 numbers
  for (size_t i = 0; i < shown; ++i) std::cout << ' ' << last.learned[i];
  if (shown < last.learned.size()) std::cout << " ... " << last.learned.back() << " (in schedule_learned.json)";
  std::cout << "\nsum_s " << last.stats.sum << "  kept_over_half " << last.stats.kept_over_half << "  uncertainty "
            << last.stats.uncertainty << "  concentration " << last.stats.concentration << "  terminal_level "
            << last.terminal_level << (last.stats.deterministic ? "  (deterministic)" : "  (not yet deterministic)")
            << "\nwrote " << o.out << "/{checkpoint.pt,metrics.jsonl,mask_history.csv,schedule_learned.json}\n";
  if (!o.no_verdict && trainer.rank() == 0 && has_schedule_to_judge(trainer.trained())) report_verdict(trainer, o.out);
  return 0;
}

}  // namespace

void add_train_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<TrainOptions>();
  TrainConfig& c = o->config;
  CLI::App* cmd = app.add_subcommand("train", "train a diffusion model and its step mask (EDDPM)");
  // Every setting of the table has its flag; these rows have flags of their own below: the noise
  // schedule's are shared with sample, compare and schedule; the pinned step's default follows the
  // semantics, the model file comes with --from, and freezing the model is a plain switch.
  o->settings.add_to(*cmd, {"T", "beta", "b1", "bT", "model_file", "pin_last", "freeze_model"});
  for (const char* name : {"iters", "lr", "lr_s"})
    o->settings.option(name)->description(find_setting(name)->help + " (with --resume: a new one)");
  o->beta.add_to(*cmd);
  cmd->add_option("--steps-kept", o->steps_kept, "number of steps kept at the end (--keep as K/T)")
      ->check(CLI::PositiveNumber)->excludes(o->settings.option("keep"));
  // Older spellings, still taken, not shown.
  cmd->add_option("--masks", o->masks, "example | iteration: --per-example-masks 1 | 0")
      ->check(CLI::IsMember({"example", "iteration"}))->group("");
  cmd->add_option("--mask-draw", o->mask_draw, "fused | plain: --fused-mask-draw 1 | 0")
      ->check(CLI::IsMember({"fused", "plain"}))->group("");
  auto* no_pin = cmd->add_flag("--no-pin-last", o->no_pin, "let the last step be dropped too (the default under jump semantics)");
  cmd->add_flag("--pin-last", o->pin, "always keep the last step (the default under paper semantics)")->excludes(no_pin);
  cmd->add_flag("--no-verdict", o->no_verdict,
                "skip the end-of-run check of the learned steps against the handcrafted ones (verdict.json)");
  auto* out = cmd->add_option("--out", o->out, "run folder to write");
  auto* resume = cmd->add_option("--resume", o->resume, "continue the run in this folder from its checkpoint")
                     ->check(CLI::ExistingDirectory)->excludes(out);
  cmd->add_flag("--overwrite", o->overwrite, "replace the run that --out already holds (its checkpoint and logs)")
      ->excludes(resume);
  cmd->add_option("--autosave-minutes", o->autosave_minutes, "rewrite checkpoint.pt this often (0: only at the end)")
      ->check(CLI::NonNegativeNumber)->capture_default_str();
  cmd->add_option("--from", o->from,
                  "start from a checkpoint's model weights, or from a TorchScript model (MODEL.ts: forward(x, t) -> eps, "
                  "trained in PyTorch; frozen, only the mask learns; loading it runs its code)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--epochs", o->epochs, "train for this many passes over the data instead of --iters (image data)")
      ->check(CLI::PositiveNumber)->excludes(o->settings.option("iters"));
  cmd->add_flag("--freeze-model", c.freeze_model, "train the mask only (with --from)");
  cmd->add_flag("--quiet", o->quiet, "no progress line");
  cmd->add_option("--nproc", o->nproc,
                  "train data-parallel in this many local worker processes (one GPU or a share of the cores each; "
                  "--batch is the global batch). torchrun's variables make any process a worker: docs/DISTRIBUTED.md")
      ->check(CLI::Range(1, 1024))->capture_default_str();
  cmd->add_option("--dist-backend", o->dist_backend, "c10d backend between workers: auto (NCCL on GPUs where built, else Gloo) | gloo | nccl")
      ->check(CLI::IsMember({"auto", "gloo", "nccl"}))->capture_default_str();
  cmd->callback([o, &action] {
    o->settings.apply(o->config);
    action = [o] { return run_train(*o); };
  });
}

}  // namespace eddpm::cli
