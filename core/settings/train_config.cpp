#include "train_config.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "json_integer.h"
#include "data_names.h"

namespace eddpm {

std::string to_string(Weighting w) { return w == Weighting::Simple ? "simple" : "elbo"; }

Weighting weighting_from_string(const std::string& name) {
  if (name == "simple") return Weighting::Simple;
  if (name == "elbo") return Weighting::Elbo;
  throw std::invalid_argument("unknown weighting '" + name + "' (simple, elbo)");
}

std::string to_string(Reward r) {
  switch (r) {
    case Reward::Simple: return "simple";
    case Reward::Elbo: return "elbo";
    case Reward::Fidelity: return "fidelity";
    case Reward::Data: return "data";
  }
  return "elbo";
}

Reward reward_from_string(const std::string& name) {
  if (name == "simple") return Reward::Simple;
  if (name == "elbo") return Reward::Elbo;
  if (name == "fidelity") return Reward::Fidelity;
  if (name == "data") return Reward::Data;
  throw std::invalid_argument("unknown reward '" + name + "' (simple, elbo, fidelity, data)");
}

std::string to_string(BaselineKind b) {
  switch (b) {
    case BaselineKind::None: return "none";
    case BaselineKind::LeaveOneOut: return "loo";
    case BaselineKind::Ema: return "ema";
  }
  return "loo";
}

BaselineKind baseline_from_string(const std::string& name) {
  if (name == "none") return BaselineKind::None;
  if (name == "loo") return BaselineKind::LeaveOneOut;
  if (name == "ema") return BaselineKind::Ema;
  throw std::invalid_argument("unknown baseline '" + name + "' (none, loo, ema)");
}

std::string to_string(StepPath p) {
  switch (p) {
    case StepPath::Auto: return "auto";
    case StepPath::Plain: return "plain";
    case StepPath::Device: return "device";
  }
  return "auto";
}

StepPath step_path_from_string(const std::string& name) {
  if (name == "auto") return StepPath::Auto;
  if (name == "plain") return StepPath::Plain;
  if (name == "device") return StepPath::Device;
  throw std::invalid_argument("unknown step path '" + name + "' (auto, plain, device)");
}

std::string to_string(BudgetRule r) { return r == BudgetRule::Exact ? "exact" : "at-most"; }

BudgetRule budget_rule_from_string(const std::string& name) {
  if (name == "exact") return BudgetRule::Exact;
  if (name == "at-most") return BudgetRule::AtMost;
  throw std::invalid_argument("unknown budget rule '" + name + "' (exact, at-most)");
}

std::string to_string(MaskStart m) { return m == MaskStart::Even ? "even" : "best-handcrafted"; }

MaskStart mask_start_from_string(const std::string& name) {
  if (name == "even") return MaskStart::Even;
  if (name == "best-handcrafted") return MaskStart::BestHandcrafted;
  throw std::invalid_argument("unknown mask start '" + name + "' (even, best-handcrafted)");
}

std::string to_string(SettleTo s) { return s == SettleTo::TopK ? "top-k" : "best-measured"; }

SettleTo settle_to_from_string(const std::string& name) {
  if (name == "top-k") return SettleTo::TopK;
  if (name == "best-measured") return SettleTo::BestMeasured;
  throw std::invalid_argument("unknown settle target '" + name + "' (top-k, best-measured)");
}

Semantics default_semantics(const BetaSpec& beta) {
  const std::vector<double>& betas = NoiseSchedule(beta).betas();
  return *std::max_element(betas.begin(), betas.end()) <= 0.1 ? Semantics::Paper : Semantics::Jump;
}

bool default_pin_last(Semantics semantics) { return semantics == Semantics::Paper; }

bool TrainConfig::image_data() const {
  return data == "mnist" || data.rfind("mnist:", 0) == 0 || data.rfind("folder:", 0) == 0;
}

int64_t TrainConfig::image_size() const {
  if (size > 0) return size;
  return data.rfind("folder:", 0) == 0 ? 32 : 28;
}

int64_t TrainConfig::image_channels() const {
  if (channels > 0) return channels;
  return data.rfind("folder:", 0) == 0 ? 3 : 1;
}

int64_t TrainConfig::initial_budget_steps() const {
  if (initial_budget > 0) return std::min<int64_t>(initial_budget, beta.T);
  return rollout_reward() ? std::min<int64_t>(beta.T, 4 * int64_t(steps_kept())) : beta.T;
}

int64_t TrainConfig::refresh_interval() const {
  if (refresh_every > 0) return refresh_every;
  return freeze_model ? 0 : 200;
}

bool TrainConfig::device_step_supported() const { return pin_last && !rollout_reward(); }

bool TrainConfig::uses_device_step(bool on_cuda) const {
  return step_path == StepPath::Device || (step_path == StepPath::Auto && on_cuda && device_step_supported());
}

int TrainConfig::steps_kept() const { return std::max(1, int(std::lround(keep * beta.T))); }

int64_t TrainConfig::warmup_iters() const { return warmup >= 0 ? warmup : iters / 5; }

int64_t TrainConfig::ramp_end_iters() const { return ramp_end >= 0 ? ramp_end : iters * 4 / 5; }

int64_t TrainConfig::check_samples() const { return check_n > 0 ? check_n : image_data() ? 1000 : 16000; }

void validate(const TrainConfig& c) {
  validate(c.beta);
  if (!is_data_name(c.data)) throw std::invalid_argument("unknown data set '" + c.data + "' (" + data_names_help() + ")");
  if (c.size != 0 && (c.size < 8 || c.size > 256)) throw std::invalid_argument("image size must be in [8, 256]");
  if (c.channels != 0 && c.channels != 1 && c.channels != 3) throw std::invalid_argument("channels must be 1 or 3");
  if (c.model != "mlp" && c.model != "tiny" && c.model != "small" && c.model != "torchscript")
    throw std::invalid_argument("unknown model '" + c.model + "' (mlp, tiny, small, torchscript)");
  if (c.model == "mlp" && c.image_data())
    throw std::invalid_argument("the mlp model is for 2-D data; use --model tiny or small for images");
  if ((c.model == "tiny" || c.model == "small") && !c.image_data())
    throw std::invalid_argument("the " + c.model + " U-Net is for images; use --model mlp for 2-D data");
  if (c.model == "torchscript" && c.model_file.empty())
    throw std::invalid_argument("a torchscript model needs its file (--from MODEL.ts)");
  if (!(c.keep > 0.0 && c.keep <= 1.0)) throw std::invalid_argument("keep must be in (0, 1]");
  if (c.iters < 1) throw std::invalid_argument("iters must be at least 1");
  if (c.batch < 2) throw std::invalid_argument("batch must be at least 2");
  if (!(c.lr >= 0.0) || !(c.lr_s >= 0.0)) throw std::invalid_argument("learning rates must be >= 0");
  if (!(c.sigma0 > 0.0)) throw std::invalid_argument("sigma0 must be > 0");
  if (!(c.ema_decay >= 0.0 && c.ema_decay < 1.0)) throw std::invalid_argument("ema decay must be in [0, 1)");
  if (!(c.weights_ema >= 0.0 && c.weights_ema < 1.0))
    throw std::invalid_argument("the weights' EMA decay must be in [0, 1)");
  if (c.rollout_reward() && c.masks_per_iter < 2)
    throw std::invalid_argument("rollout rewards need at least 2 masks per iteration (leave-one-out baseline)");
  if (c.pool < 2) throw std::invalid_argument("the rollout pool needs at least 2 examples");
  if (c.initial_budget < 0 || c.refresh_every < 0) throw std::invalid_argument("budget and refresh must be >= 0");
  if (c.check_n != 0 && c.check_n < 2) throw std::invalid_argument("a check needs at least 2 samples (0: the default)");
  if (c.log_every < 1) throw std::invalid_argument("log interval must be at least 1");
  if (c.warmup_iters() > c.ramp_end_iters())
    throw std::invalid_argument("warm-up (" + std::to_string(c.warmup_iters()) +
                                ") must not come after the ramp end (" + std::to_string(c.ramp_end_iters()) + ")");
  if (c.step_path == StepPath::Device && !c.device_step_supported())
    throw std::invalid_argument("the device step needs the last step pinned and a loss reward (simple, elbo)");
  if (c.device != "auto" && c.device != "cpu" && c.device.rfind("cuda", 0) != 0)
    throw std::invalid_argument("device must be auto, cpu or cuda[:N]");
}

nlohmann::json to_json(const TrainConfig& c) {
  return {{"data", c.data}, {"size", c.size}, {"channels", c.channels}, {"model", c.model},
          {"model_file", c.model_file},
          {"T", c.beta.T}, {"beta", {{"kind", to_string(c.beta.kind)}, {"b1", c.beta.b1}, {"bT", c.beta.bT}}},
          {"semantics", to_string(c.semantics)}, {"keep", c.keep},
          {"loss_weight", to_string(c.loss_weight)}, {"reward", to_string(c.reward)},
          {"baseline", to_string(c.baseline)}, {"ema_decay", c.ema_decay},
          {"normalize_advantages", c.normalize_advantages},
          {"per_example_masks", c.per_example_masks}, {"pin_last", c.pin_last},
          {"budget_rule", to_string(c.budget_rule)}, {"settle", c.settle}, {"settle_to", to_string(c.settle_to)},
          {"check_n", c.check_n},
          {"mask_start", to_string(c.mask_start)}, {"weights_ema", c.weights_ema},
          {"fused_mask_draw", c.fused_mask_draw}, {"step_path", to_string(c.step_path)}, {"sigma0", c.sigma0},
          {"iters", c.iters}, {"warmup", c.warmup_iters()}, {"ramp_end", c.ramp_end_iters()},
          {"batch", c.batch}, {"lr", c.lr}, {"lr_s", c.lr_s}, {"grad_clip", c.grad_clip},
          {"seed", c.seed}, {"device", c.device}, {"freeze_model", c.freeze_model},
          {"masks_per_iter", c.masks_per_iter}, {"initial_budget", c.initial_budget},
          {"refresh_every", c.refresh_every}, {"pool", c.pool},
          {"log_every", c.log_every}};
}

namespace {
// An integer setting: absent keeps `fallback`; a float, a string or a value out of T's range is
// refused (a float-to-int conversion out of range is undefined behaviour).
template <typename T>
T integer_value(const nlohmann::json& j, const char* key, T fallback) {
  if (!j.contains(key)) return fallback;
  const nlohmann::json& v = j.at(key);
  if (!is_integer_in_range<T>(v))
    throw std::invalid_argument(std::string("bad config: \"") + key + "\" must be an integer in range");
  return v.get<T>();
}
}  // namespace

TrainConfig train_config_from_json(const nlohmann::json& j) {
  if (!j.is_object()) throw std::invalid_argument("config must be a JSON object");
  TrainConfig c;
  try {
    c.data = j.value("data", c.data);
    c.size = integer_value(j, "size", c.size);
    c.channels = integer_value(j, "channels", c.channels);
    c.model = j.value("model", c.model);
    c.model_file = j.value("model_file", c.model_file);
    c.beta.T = integer_value(j, "T", c.beta.T);
    if (j.contains("beta")) {
      const auto& b = j.at("beta");
      c.beta.kind = beta_kind_from_string(b.value("kind", to_string(c.beta.kind)));
      c.beta.b1 = b.value("b1", c.beta.b1);
      c.beta.bT = b.value("bT", c.beta.bT);
    }
    c.semantics = semantics_from_string(j.value("semantics", to_string(c.semantics)));
    c.keep = j.value("keep", c.keep);
    c.loss_weight = weighting_from_string(j.value("loss_weight", to_string(c.loss_weight)));
    c.reward = reward_from_string(j.value("reward", to_string(c.reward)));
    c.masks_per_iter = integer_value(j, "masks_per_iter", c.masks_per_iter);
    c.initial_budget = integer_value(j, "initial_budget", c.initial_budget);
    c.refresh_every = integer_value(j, "refresh_every", c.refresh_every);
    c.pool = integer_value(j, "pool", c.pool);
    c.baseline = baseline_from_string(j.value("baseline", to_string(c.baseline)));
    c.ema_decay = j.value("ema_decay", c.ema_decay);
    c.normalize_advantages = j.value("normalize_advantages", c.normalize_advantages);
    c.per_example_masks = j.value("per_example_masks", c.per_example_masks);
    c.pin_last = j.value("pin_last", c.pin_last);
    c.budget_rule = budget_rule_from_string(j.value("budget_rule", std::string("at-most")));
    c.settle = j.value("settle", false);
    c.settle_to = settle_to_from_string(j.value("settle_to", std::string("top-k")));
    c.check_n = integer_value(j, "check_n", c.image_data() ? 0 : 4000);
    c.mask_start = mask_start_from_string(j.value("mask_start", std::string("even")));
    c.weights_ema = j.value("weights_ema", 0.0);
    c.fused_mask_draw = j.value("fused_mask_draw", false);
    c.step_path = step_path_from_string(j.value("step_path", to_string(c.step_path)));
    c.sigma0 = j.value("sigma0", c.sigma0);
    c.iters = integer_value(j, "iters", c.iters);
    c.warmup = integer_value(j, "warmup", c.warmup);
    c.ramp_end = integer_value(j, "ramp_end", c.ramp_end);
    c.batch = integer_value(j, "batch", c.batch);
    c.lr = j.value("lr", c.lr);
    c.lr_s = j.value("lr_s", c.lr_s);
    c.grad_clip = j.value("grad_clip", c.grad_clip);
    c.seed = integer_value(j, "seed", c.seed);
    c.device = j.value("device", c.device);
    c.freeze_model = j.value("freeze_model", c.freeze_model);
    c.log_every = integer_value(j, "log_every", c.log_every);
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("bad config: ") + e.what());
  }
  validate(c);
  return c;
}

}  // namespace eddpm
