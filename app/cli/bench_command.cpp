// eddpm bench: the engine's side of the speed benchmarks (bench/run, docs/BENCHMARKS.md). Each call
// times one item in its own process and prints one JSON line with the rate and the peak memory.
#include <sys/resource.h>

#include <chrono>
#include <iostream>

#include <cstdlib>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "adaptive_cpu_threads.h"
#include "budget_projection.h"
#include "cli_app.h"
#include "compute_device.h"
#include "eddpm_trainer.h"
#include "fused_mask_draw.h"
#include "graphed_step.h"
#include "handcrafted_schedules.h"
#include "mask_gradient.h"
#include "mask_update.h"
#include "model_factory.h"
#include "model_update.h"
#include "rng.h"
#include "sampler.h"
#include "staged_copy.h"
#include "step_plan.h"

namespace eddpm::cli {

namespace {

struct BenchOptions {
  std::string item = "train", device = "cpu", mask_draw = "fused", model = "mlp", data = "moons", step = "auto";
  int64_t batch = 1024, iters = 300, warmup_iters = 50, n = 10000;
  int T = 1000, K = 10;
};

// The step of bench/eddpm_step.py (the default 2-D model) and bench/unet_step.py (a U-Net on
// MNIST): per-example masks, jump semantics, the simple reward with the leave-one-out baseline,
// exact projection with the last step pinned.
TrainConfig bench_config(const BenchOptions& o) {
  TrainConfig c;
  c.data = o.data;
  c.model = o.model;
  c.beta.T = o.T;
  c.keep = 0.01;
  c.semantics = Semantics::Jump;
  c.reward = Reward::Simple;
  c.normalize_advantages = false;
  c.batch = o.batch;
  c.lr_s = 0.01;
  c.iters = o.warmup_iters + o.iters;
  c.warmup = 0;
  c.ramp_end = c.iters;
  c.device = o.device;
  c.fused_mask_draw = o.mask_draw == "fused";
  c.step_path = step_path_from_string(o.step);
  // The scripts' step has the paper's budget (at most K_e) and no average of the weights.
  c.budget_rule = BudgetRule::AtMost;
  c.weights_ema = 0.0;
  return c;
}

void synchronize(const c10::Device& device) {
  if (device.is_cuda()) torch::zeros({1}, torch::TensorOptions().device(device)).cpu();  // waits for the queue
}

// Runs `warmup` untimed calls, then `timed` timed ones; returns seconds per call.
template <typename Step>
double seconds_per_call(const c10::Device& device, int64_t warmup, int64_t timed, Step&& step) {
  for (int64_t i = 0; i < warmup; ++i) step();
  synchronize(device);
  const auto start = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < timed; ++i) step();
  synchronize(device);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / double(timed);
}

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return double(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

// Plain DDPM training of the same model: a uniform timestep per example, no mask, the trainer's
// model update (without the weights' EMA, as the scripts). It runs the step the trainer's plan
// chooses: with the device step (auto on CUDA) no host reads, captured in a CUDA graph.
class PlainDdpmLoop {
 public:
  PlainDdpmLoop(const TrainConfig& c, const c10::Device& device)
      : c_(c),
        device_(device),
        noise_(c.beta),
        data_gen_(make_cpu_generator(c.seed)),
        device_gen_(make_training_generator(device, c.seed + 1)),
        device_step_(choose_step_plan(c, device).device_step),
        graphed_(device) {
    data_ = make_dataset(c);
    std::shared_ptr<EpsModel> model;
    {
      const DefaultGeneratorScope initialization(torch::kCPU, c.seed);
      model = make_model(c, data_->sample_shape(), device);
    }
    update_ = std::make_unique<ModelUpdate>(std::move(model), nullptr, c.lr, c.grad_clip, 0.0);
    alpha_bars_ = torch::tensor(noise_.alpha_bars(), torch::kFloat64).to(device);
    values_ = torch::zeros({ModelUpdate::kModelValueCount}, torch::TensorOptions().dtype(torch::kFloat64).device(device));
  }

  bool uses_device_step() const { return device_step_; }

  void step() {
    const torch::Tensor batch = data_->sample(c_.batch, data_gen_);
    if (!x0_.defined()) x0_ = torch::empty(batch.sizes(), batch.options().device(device_));
    batch_copy_.copy(batch, x0_);  // as the EDDPM device step copies: no host sync
    if (device_step_) {
      auto host = update_->next_device_values(0);
      values_copy_.copy(torch::from_blob(host.data(), {ModelUpdate::kModelValueCount}, torch::kFloat64), values_);
      graphed_.run([this] { iteration(); });
    } else {
      iteration();
    }
  }

 private:
  void iteration() {
    const torch::Tensor t = torch::randint(noise_.T(), {c_.batch}, device_gen_,
                                           torch::TensorOptions().dtype(torch::kLong).device(device_));
    std::vector<int64_t> view(x0_.dim(), 1);
    view[0] = -1;
    const torch::Tensor a = alpha_bars_.index_select(0, t).to(torch::kFloat32).view(view);
    const torch::Tensor eps = torch::randn(x0_.sizes(), device_gen_, x0_.options());
    const torch::Tensor x_t = torch::sqrt(a) * x0_ + torch::sqrt(1.0 - a) * eps;
    const torch::Tensor loss = (eps - update_->model().forward(x_t, t)).pow(2).mean();
    if (device_step_) update_->minimize_on_device(loss, values_);
    else update_->minimize(loss, 0);
  }

  TrainConfig c_;
  c10::Device device_;
  NoiseSchedule noise_;
  DatasetPtr data_;
  at::Generator data_gen_, device_gen_;
  bool device_step_;
  GraphedStep graphed_;
  std::unique_ptr<ModelUpdate> update_;
  torch::Tensor alpha_bars_, values_, x0_;
  StagedCopy batch_copy_, values_copy_;
};

// Item 4 in one process: blocks of EDDPM and plain DDPM iterations take turns, so both see the
// same machine (single runs here drift by up to 20% within minutes). Returns seconds per
// iteration of each.
std::pair<double, double> interleaved_seconds(const TrainConfig& c, const c10::Device& device, const BenchOptions& o) {
  EddpmTrainer trainer(c, device);
  PlainDdpmLoop ddpm(c, device);
  const int64_t block = 25;
  for (int64_t i = 0; i < o.warmup_iters; ++i) {
    trainer.step();
    ddpm.step();
  }
  double eddpm_seconds = 0.0, ddpm_seconds = 0.0;
  for (int64_t done = 0; done < o.iters; done += block) {
    const int64_t n = std::min(block, o.iters - done);
    eddpm_seconds += seconds_per_call(device, 0, n, [&] { trainer.step(); }) * double(n);
    ddpm_seconds += seconds_per_call(device, 0, n, [&] { ddpm.step(); }) * double(n);
  }
  return {eddpm_seconds / double(o.iters), ddpm_seconds / double(o.iters)};
}

// The mask machinery alone: draw, step and levels, then the mask update from stand-in rewards
// (advantages, the score-function gradient, the projection), as the trainer's plan would run them
// on this device; `host_update` picks the update's implementation (update_mask_on_host or
// update_mask), so both can be timed on the CPU.
double mask_step_seconds(const TrainConfig& c, const c10::Device& device, const BenchOptions& o, bool host_update) {
  const NoiseSchedule noise(c.beta);
  const StepPlan plan = choose_step_plan(c, device);
  const auto f64 = torch::TensorOptions().dtype(torch::kFloat64).device(device);
  const torch::Tensor betas = torch::tensor(noise.betas(), torch::kFloat64).to(device);
  const torch::Tensor alpha_bars = torch::tensor(noise.alpha_bars(), torch::kFloat64).to(device);
  at::Generator gen = make_generator(device, c.seed + 1);
  torch::Tensor s = torch::full({noise.T()}, 0.5, f64);
  const torch::Tensor rewards = torch::rand({c.batch}, gen, f64);
  const torch::Tensor ema = torch::zeros({}, f64);
  MaskUpdateRule rule = MaskUpdateRule::of(c);
  rule.settle = false;
  MaskUpdateValues values;
  values.lr_s = 1e-3;
  values.budget = 0.5 * noise.T();
  const auto value_array = mask_value_array(values);
  const torch::Tensor value_tensor = torch::tensor(std::vector<double>(value_array.begin(), value_array.end()), f64);
  const torch::Tensor no_target = torch::zeros({noise.T()}, f64);
  torch::Tensor buffer;
  return seconds_per_call(device, o.warmup_iters, o.iters, [&] {
    torch::Tensor masks;
    if (plan.fused_draw) {
      masks = draw_masks_fused(s, c.batch, true, noise, c.semantics, gen, buffer).masks;
      buffer = masks;
    } else {
      masks = draw_masks(s, c.batch, true, gen);
      const torch::Tensor t = pick_kept_timesteps(masks, gen);
      levels_under_masks(masks, betas, alpha_bars, c.semantics).gather(1, t.unsqueeze(1));
    }
    if (host_update) update_mask_on_host(rule, s, masks, rewards, 0.0, values, {});
    else s = update_mask(rule, s, masks, rewards, ema, value_tensor, no_target);
  });
}

double sampling_seconds(const TrainConfig& c, const c10::Device& device, const BenchOptions& o) {
  torch::manual_seed(c.seed);
  const DatasetPtr data = make_dataset(c);
  const auto model = make_model(c, data->sample_shape(), device);
  model->eval();
  const NoiseSchedule noise(c.beta);
  const std::vector<int> timesteps = handcrafted_schedule(ScheduleKind::Uniform, o.K, noise);
  const std::vector<double> levels = kept_levels(noise, Semantics::Jump, timesteps);
  at::Generator gen = make_generator(device, c.seed + 1);
  torch::NoGradGuard no_grad;
  const int64_t reps = std::max<int64_t>(1, o.iters);
  std::vector<int64_t> shape = data->sample_shape();
  shape.insert(shape.begin(), o.n);
  return seconds_per_call(device, 1, reps, [&] {
    const torch::Tensor x_T = torch::randn(shape, gen, torch::TensorOptions().device(device));
    sample_chain(*model, timesteps, levels, x_T, {}, gen);
  });
}

int bench(const BenchOptions& o) {
  const c10::Device device = resolve_device(o.device);
  const TrainConfig c = bench_config(o);
  validate(c);
  nlohmann::json result{{"item", o.item}, {"device", describe_device(device)}, {"T", o.T},
                        {"torch", TORCH_VERSION}};
  // How OpenMP's threads waited (openmp_waiting.h): what this process started with.
  const char* spin = std::getenv("GOMP_SPINCOUNT");
  const char* policy = std::getenv("OMP_WAIT_POLICY");
  result["openmp_wait"] = policy ? std::string("policy ") + policy : std::string("spin ") + (spin ? spin : "libgomp's default");
  if (o.item == "train" || o.item == "ddpm") {
    double seconds = 0.0;
    if (o.item == "ddpm") {
      PlainDdpmLoop ddpm(c, device);
      seconds = seconds_per_call(device, o.warmup_iters, o.iters, [&] { ddpm.step(); });
      result["step"] = ddpm.uses_device_step() ? "device" : "plain";
    } else {
      EddpmTrainer trainer(c, device);
      // As `eddpm train` runs its steps: on all CPU threads or one, whichever runs faster now.
      AdaptiveCpuThreads threads(!cpu_threads_pinned(), device);
      seconds = seconds_per_call(device, o.warmup_iters, o.iters, [&] { threads.run([&] { trainer.step(); }); });
      if (threads.threads() > 0)
        result["cpu_threads"] = {{"last", threads.threads()}, {"trials", threads.governor().trials()},
                                 {"switches", threads.governor().switches()}};
      result.update({{"step", trainer.uses_device_step() ? "device" : "plain"}, {"graph", trainer.replaying_graph()}});
      if (!trainer.graph_error().empty()) result["graph_error"] = trainer.graph_error();
    }
    result.update({{"batch", o.batch}, {"mask_draw", o.mask_draw}, {"its_per_s", 1.0 / seconds}});
  } else if (o.item == "overhead") {
    const auto [eddpm_seconds, ddpm_seconds] = interleaved_seconds(c, device, o);
    result.update({{"batch", o.batch}, {"mask_draw", o.mask_draw}, {"eddpm_its_per_s", 1.0 / eddpm_seconds},
                   {"ddpm_its_per_s", 1.0 / ddpm_seconds}, {"extra", eddpm_seconds / ddpm_seconds - 1.0}});
  } else if (o.item == "mask-step") {
    // On the CPU both implementations of the mask update, in turns: the array one is kept for this.
    const bool host = choose_step_plan(c, device).host_mask_update;
    result.update({{"batch", o.batch}, {"mask_draw", o.mask_draw}, {"ms", 1e3 * mask_step_seconds(c, device, o, host)}});
    if (host) result["tensor_update_ms"] = 1e3 * mask_step_seconds(c, device, o, false);
  } else {
    result.update({{"n", o.n}, {"K", o.K}, {"samples_per_s", double(o.n) / sampling_seconds(c, device, o)}});
  }
  if (o.model != "mlp") {
    result["model"] = o.model;
    if (o.item != "sample") result["batch"] = o.batch;
  }
  result["peak_rss_mib"] = peak_rss_mib();
  if (device.is_cuda()) result["peak_gpu_mib"] = peak_device_memory_mib(device);
  std::cout << result.dump() << std::endl;
  return 0;
}

}  // namespace

void add_bench_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<BenchOptions>();
  CLI::App* cmd = app.add_subcommand("bench", "time one benchmark item (bench/run runs them all)");
  cmd->add_option("item", o->item,
                  "train: EDDPM iterations/s; ddpm: plain DDPM training of the same model; "
                  "overhead: the two in turns, in blocks of 25 iterations; "
                  "mask-step: the mask machinery alone; sample: points sampled per second")
      ->check(CLI::IsMember({"train", "ddpm", "overhead", "mask-step", "sample"}))->capture_default_str();
  cmd->add_option("--device", o->device, "auto | cpu | cuda[:N]")->capture_default_str();
  cmd->add_option("--batch", o->batch, "examples per iteration")->check(CLI::Range(2, 1 << 20))->capture_default_str();
  cmd->add_option("--T", o->T, "diffusion steps")->check(CLI::Range(2, 100000))->capture_default_str();
  cmd->add_option("--iters", o->iters, "timed iterations (sample: timed repetitions)")
      ->check(CLI::Range(1, 1 << 24))->capture_default_str();
  cmd->add_option("--warmup-iters", o->warmup_iters, "untimed iterations first")
      ->check(CLI::Range(0, 1 << 24))->capture_default_str();
  cmd->add_option("--n", o->n, "sample: points per repetition")->check(CLI::Range(1, 1 << 24))->capture_default_str();
  cmd->add_option("--K", o->K, "sample: steps of the uniform schedule")->check(CLI::Range(1, 100000))->capture_default_str();
  cmd->add_option("--model", o->model, "mlp (2-D) | tiny | small (U-Nets, need image data)")
      ->check(CLI::IsMember({"mlp", "tiny", "small"}))->capture_default_str();
  cmd->add_option("--data", o->data, "moons | mnist | mnist:DIR (train, ddpm, sample)")->capture_default_str();
  cmd->add_option("--mask-draw", o->mask_draw, "fused | plain (per-example masks on the CPU)")
      ->check(CLI::IsMember({"fused", "plain"}))->capture_default_str();
  cmd->add_option("--step", o->step, "train: plain | device (captured in a CUDA graph on CUDA) | auto")
      ->check(CLI::IsMember({"auto", "plain", "device"}))->capture_default_str();
  cmd->callback([o, &action] {
    if (o->K > o->T) throw UsageError("--K must not exceed --T");
    action = [o] { return bench(*o); };
  });
}

}  // namespace eddpm::cli
