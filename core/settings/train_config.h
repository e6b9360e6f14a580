#pragma once
// Every setting of an EDDPM training run (spec sections 4-5), with the defaults the product ships.
#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "budget_rule.h"
#include "data_names.h"
#include "mask_semantics.h"
#include "solver_kind.h"
#include "noise_schedule.h"

namespace eddpm {

enum class Weighting { Simple, Elbo };
// What scores a mask: its denoising loss (simple, elbo; the paper's) or a few-step sample
// (fidelity to the full chain, distance to the data; ours, see rollout_reward.h).
enum class Reward { Simple, Elbo, Fidelity, Data };
enum class BaselineKind { None, LeaveOneOut, Ema };
// How an iteration runs: plain (tensor operations with the host in the loop, and the fused mask
// draw on the CPU), device (no host reads: captured in a CUDA graph on CUDA), auto (device on
// CUDA where the settings allow it, else plain).
enum class StepPath { Auto, Plain, Device };
// Where a rollout reward's mask search starts (ours): even (the initial budget spread over every
// step, the paper's start from s = 1 projected) or best-handcrafted (the K steps of whichever
// handcrafted family the reward scores best on the first pool at 1, the rest of the initial budget
// spread evenly), so the search refines the best rule instead of having to rediscover it.
enum class MaskStart { Even, BestHandcrafted };
// What settling pulls s toward (ours, settle_target.h): top-k (its own K largest probabilities) or
// best-measured (at the ramp's end the run samples the mask's top K, draws from the mask and every
// handcrafted family at K on noise of its own and settles toward whichever samples best).
enum class SettleTo { TopK, BestMeasured };

std::string to_string(Weighting w);
Weighting weighting_from_string(const std::string& name);
std::string to_string(Reward r);
Reward reward_from_string(const std::string& name);
std::string to_string(BaselineKind b);
BaselineKind baseline_from_string(const std::string& name);
std::string to_string(StepPath p);
std::string to_string(BudgetRule r);
std::string to_string(MaskStart m);
MaskStart mask_start_from_string(const std::string& name);
std::string to_string(SettleTo s);
SettleTo settle_to_from_string(const std::string& name);
BudgetRule budget_rule_from_string(const std::string& name);
StepPath step_path_from_string(const std::string& name);

struct TrainConfig {
  std::string data = "moons";  // a 2-D set, "mnist", "mnist:DIR", "folder:PATH", "weather" or "csv:PATH"
  int64_t size = 0;             // image side; 0: the data's own (28 for MNIST, 32 for folders)
  int64_t channels = 0;         // 1 or 3; 0: the data's own (1 for MNIST, 3 for folders)
  int64_t window = 36;          // time series: time points per window (CSDI's 36)
  // time series: the CSV column that is the time axis ("": a first column named date or time, or
  // one that is not numeric; see series_csv.h)
  std::string time_column;
  std::string model = "mlp";    // mlp (2-D) | tiny | small (U-Nets) | csdi (time series) | torchscript
  std::string model_file;       // the TorchScript file when model is "torchscript"
  // What the network outputs: eps, x0 or v (v = sqrt(abar) eps - sqrt(1 - abar) x0, diffusers'
  // v_prediction). Only a TorchScript model may say other than eps; it is converted to eps once,
  // at the model's boundary (TorchScriptModel), so everything else sees eps.
  std::string prediction = "eps";
  BetaSpec beta;
  Semantics semantics = Semantics::Paper;  // chosen by measurement: docs/FINDINGS.md
  double keep = 0.01;  // gamma_f: the final share of the T steps kept
  Weighting loss_weight = Weighting::Simple;
  Reward reward = Reward::Elbo;  // chosen by measurement: docs/FINDINGS.md
  // What the run's schedules are sampled with: the rollout rewards, the live quality check and the
  // settling's judging, so the mask learns the steps for that solver. Older runs: ddim.
  SolverKind solver = SolverKind::Ddim;
  BaselineKind baseline = BaselineKind::LeaveOneOut;
  double ema_decay = 0.95;
  // Divide the advantages by the batch's reward spread before the score-function step (ours,
  // beyond the paper): the step size no longer depends on the reward's scale, which for the ELBO
  // spans orders of magnitude across masks and otherwise throws s onto the absorbing 0 or 1.
  bool normalize_advantages = true;
  bool per_example_masks = true;
  bool pin_last = true;
  // The mask's budget: spent exactly (ours, the default) or at most (the paper); budget_rule.h.
  // Checkpoints without the key resume with "at-most", the rule they were trained with.
  BudgetRule budget_rule = BudgetRule::Exact;
  // Pull s toward its top K from the ramp's end to the last iteration (mask_settling.h), so the
  // mask ends deterministic. Checkpoints without the key resume without it.
  bool settle = true;
  // Checkpoints without the key resume with "top-k".
  SettleTo settle_to = SettleTo::BestMeasured;
  // Samples per check, for the settle choice and the verdict (0: 16,000 points, 1,000 images). On
  // one moons model uniform's SWD ranged 0.050-0.073 over four draws of 4,000 points, enough to swap
  // a family and the learned steps, and 0.063-0.067 over three of 16,000 (docs/FINDINGS.md).
  // Checkpoints without the key resume with 4,000 for points, what they were measured with.
  int64_t check_n = 0;
  // Rollout rewards only. Checkpoints without the key resume with "even".
  MaskStart mask_start = MaskStart::Even;
  // Decay of the exponential moving average of the model's weights, which sampling and measuring
  // use (0: none, sample from the trained weights). Checkpoints without the key resume without one.
  double weights_ema = 0.999;
  // Per-example masks on the CPU are drawn by the fused pass of fused_mask_draw.h (false: the
  // reference tensor operations, also used on other devices). Checkpoints without the key resume
  // with the reference draw, which their random streams were made with.
  bool fused_mask_draw = true;
  StepPath step_path = StepPath::Auto;
  double sigma0 = 0.3;  // data noise floor of the ELBO weighting: SNR_0 = 1 / sigma0^2
  int64_t iters = 8000;
  int64_t warmup = -1;    // i1; -1: 20% of iters
  int64_t ramp_end = -1;  // i2; -1: 80% of iters
  int64_t batch = 256;
  double lr = 1e-3;       // Adam, model
  double lr_s = 0.1;      // SGD, mask probabilities (on normalized advantages)
  double grad_clip = 1.0;
  uint64_t seed = 0;
  std::string device = "auto";
  bool freeze_model = false;
  // Rollout rewards (fidelity, data): masks scored per iteration, the starting budget of the ramp
  // (0: T for loss rewards, 4K for rollouts, whose cost grows with the steps kept), how often the
  // pool of starting noises and references is drawn again (0: never if the model is frozen, else
  // every 200 iterations) and its size.
  int64_t masks_per_iter = 16;
  int64_t initial_budget = 0;
  int64_t refresh_every = 0;
  int64_t pool = 256;
  int64_t log_every = 50;

  bool image_data() const;
  bool series_data() const { return is_series_data(data); }
  // The device step draws pinned masks only (unpinned ones are redrawn while empty, a host loop)
  // and scores masks by their loss (rollouts sample on the host's schedule); not for time series.
  bool device_step_supported() const;
  int64_t image_size() const;      // resolved size
  int64_t image_channels() const;  // resolved channels
  int steps_kept() const;          // K = round(keep * T), at least 1
  bool rollout_reward() const { return reward == Reward::Fidelity || reward == Reward::Data; }
  int64_t initial_budget_steps() const;  // resolved initial budget
  int64_t refresh_interval() const;      // resolved refresh_every (0: never)
  int64_t warmup_iters() const;    // resolved i1
  int64_t ramp_end_iters() const;  // resolved i2
  int64_t check_samples() const;   // resolved check_n (time series: imputations per test window, 16)
  // Whether the run keeps an EMA of its weights and samples with it: a frozen model's average is
  // itself, and a TorchScript model is frozen.
  bool keeps_weights_ema() const { return weights_ema > 0.0 && !freeze_model && model != "torchscript"; }
};

// The semantics a run gets unless one is chosen (ours; docs/FINDINGS.md): paper where
// every base beta is at most 0.1 (linear), else jump. Under paper semantics a skipped step adds no
// noise, so with a few large final betas (cosine, CSDI's quadratic) any K kept steps give one level
// near 0 and the rest near 1, and the learned schedules sampled 1.5-3.4x worse than uniform steps.
Semantics default_semantics(const BetaSpec& beta);
// Whether the last step is pinned unless chosen: under paper semantics, whose terminal level needs
// the last (largest) beta; not under jump, where every schedule starts from noise at its first step
// and the families that start below T - 1 (uniform, quadratic) are often the best: a pinned mask
// could never settle on them (settle_target.h).
bool default_pin_last(Semantics semantics);
// The semantics a trained run's schedules are sampled under: its own, except where it kept every
// step (a plain DDPM, keep 1). Such a run only ever saw the base levels, under either semantics;
// sampled under paper semantics a K-step sub-chain would end at a level near 1 (10 steps of a
// linear-beta MNIST DDPM gave pure noise), so its sub-chains jump between the base levels.
Semantics sampling_semantics(const TrainConfig& config);

// Throws std::invalid_argument with the first reason the settings cannot run.
void validate(const TrainConfig& config);

nlohmann::json to_json(const TrainConfig& config);
// Missing keys keep their defaults; wrong types or values throw std::invalid_argument.
TrainConfig train_config_from_json(const nlohmann::json& j);

}  // namespace eddpm
