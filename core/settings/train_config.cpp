#include "train_config.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "data_names.h"
#include "setting_table.h"

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

Semantics sampling_semantics(const TrainConfig& config) {
  return config.steps_kept() >= config.beta.T ? Semantics::Jump : config.semantics;
}

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

// Time series train on the plain step: the imputation targets' draw has not run inside a captured graph.
bool TrainConfig::device_step_supported() const { return pin_last && !rollout_reward() && !series_data(); }

int TrainConfig::steps_kept() const { return std::max(1, int(std::lround(keep * beta.T))); }

int64_t TrainConfig::warmup_iters() const { return warmup >= 0 ? warmup : iters / 5; }

int64_t TrainConfig::ramp_end_iters() const { return ramp_end >= 0 ? ramp_end : iters * 4 / 5; }

int64_t TrainConfig::check_samples() const {
  if (check_n > 0) return check_n;
  return image_data() ? 1000 : series_data() ? 16 : 16000;  // series: imputations per test window
}

void validate(const TrainConfig& c) {
  // Each setting's own range and choices (setting_table.h), then the rules between settings.
  const std::string problem = settings_problem(c);
  if (!problem.empty()) throw std::invalid_argument(problem);
  validate(c.beta);
  // The model each kind of data takes, named in the message (a TorchScript model fits any).
  const char* fitting = c.image_data() ? "--model tiny or small for images"
                        : c.series_data() ? "--model csdi for time series"
                                          : "--model mlp for 2-D data";
  if (c.model == "mlp" && (c.image_data() || c.series_data()))
    throw std::invalid_argument(std::string("the mlp model is for 2-D data; use ") + fitting);
  if ((c.model == "tiny" || c.model == "small") && !c.image_data())
    throw std::invalid_argument("the " + c.model + " U-Net is for images; use " + fitting);
  if (c.model == "csdi" && !c.series_data())
    throw std::invalid_argument(std::string("the csdi model is for time series; use ") + fitting);
  if (c.series_data() && c.rollout_reward() && c.pool < 8)
    throw std::invalid_argument("a time-series rollout pool holds 8 imputations of each window: --pool at least 8");
  if (c.model == "torchscript" && c.model_file.empty())
    throw std::invalid_argument("a torchscript model needs its file (--from MODEL.ts)");
  if (c.prediction != "eps" && c.model != "torchscript")
    throw std::invalid_argument("--prediction " + c.prediction +
                                " is for TorchScript models (--from MODEL.ts); the models eddpm trains predict eps");
  if (c.warmup_iters() > c.ramp_end_iters())
    throw std::invalid_argument("warm-up (" + std::to_string(c.warmup_iters()) +
                                ") must not come after the ramp end (" + std::to_string(c.ramp_end_iters()) + ")");
  if (c.step_path == StepPath::Device && !c.device_step_supported())
    throw std::invalid_argument("the device step needs the last step pinned and a loss reward (simple, elbo)");
}

nlohmann::json to_json(const TrainConfig& config) {
  TrainConfig c = config;
  c.warmup = c.warmup_iters();  // a run's file holds the iterations it used
  c.ramp_end = c.ramp_end_iters();
  nlohmann::json j = nlohmann::json::object();
  for (const Setting& s : training_settings()) {
    nlohmann::json* at = &j;
    for (size_t i = 0; i + 1 < s.json_path.size(); ++i) at = &(*at)[s.json_path[i]];
    (*at)[s.json_path.back()] = s.get(c);
  }
  return j;
}

TrainConfig train_config_from_json(const nlohmann::json& j) {
  if (!j.is_object()) throw std::invalid_argument("config must be a JSON object");
  TrainConfig c;
  for (const Setting& s : training_settings()) {
    const nlohmann::json* at = &j;
    for (const std::string& key : s.json_path) {
      if (at == nullptr) break;
      if (!at->is_object()) throw std::invalid_argument("bad config: \"" + s.json_path.front() + "\" must be an object");
      at = at->contains(key) ? &at->at(key) : nullptr;
    }
    if (at == nullptr) {
      if (s.absent) s.set(c, s.absent(c));
      continue;
    }
    const std::string problem = s.problem(*at);
    if (!problem.empty()) throw std::invalid_argument("bad config: " + problem);
    s.set(c, *at);
  }
  validate(c);
  return c;
}

}  // namespace eddpm
