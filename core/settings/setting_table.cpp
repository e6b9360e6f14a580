#include "setting_table.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <sstream>

#include "data_names.h"

namespace eddpm {

namespace {
using json = nlohmann::json;
constexpr double kHuge = 1e15;  // "no upper bound" for counts that are int64 fields

Setting row(const char* name, SettingType type, const char* label, const char* help) {
  Setting s;
  s.name = name;
  s.label = label;
  s.help = help;
  s.type = type;
  return s;
}

// Rows for the field types of TrainConfig. A row reads and writes its field through the member
// pointer, so the field's name and the row's name are written once each, side by side.
template <typename T>
Setting field_row(const char* name, SettingType type, T TrainConfig::*field, const char* label, const char* help) {
  Setting s = row(name, type, label, help);
  s.get = [field](const TrainConfig& c) { return json(c.*field); };
  s.set = [field](TrainConfig& c, const json& v) { c.*field = v.get<T>(); };
  return s;
}

Setting ranged(Setting s, double min, double max) {
  s.min = min;
  s.max = max;
  return s;
}

template <typename T>
Setting integer(const char* name, T TrainConfig::*field, double min, double max, const char* label, const char* help) {
  return ranged(field_row(name, SettingType::Integer, field, label, help), min, max);
}

Setting real(const char* name, double TrainConfig::*field, double min, double max, const char* label, const char* help) {
  return ranged(field_row(name, SettingType::Real, field, label, help), min, max);
}

Setting flag(const char* name, bool TrainConfig::*field, const char* label, const char* help) {
  return field_row(name, SettingType::Flag, field, label, help);
}

template <typename E>
Setting choice(const char* name, E TrainConfig::*field, std::vector<std::string> choices, E (*parse)(const std::string&),
               const char* label, const char* help) {
  Setting s = row(name, SettingType::Choice, label, help);
  s.choices = std::move(choices);
  s.get = [field](const TrainConfig& c) { return json(to_string(c.*field)); };
  s.set = [field, parse](TrainConfig& c, const json& v) { c.*field = parse(v.get<std::string>()); };
  return s;
}

Setting text(const char* name, std::string TrainConfig::*field, const char* label, const char* help) {
  return field_row(name, SettingType::Text, field, label, help);
}

Setting absent_means(Setting s, json value) {
  s.absent = [value](const TrainConfig&) { return value; };
  return s;
}

Setting live(Setting s) {
  s.live = true;
  return s;
}

Setting in_beta(Setting s, const char* key) {
  s.json_path = {"beta", key};
  return s;
}

Setting checked(Setting s, std::function<std::string(const json&)> check) {
  s.check = std::move(check);
  return s;
}

std::vector<Setting> make_rows() {
  std::vector<Setting> rows;
  rows.push_back(checked(text("data", &TrainConfig::data, "data",
                              "moons, swissroll, 8gaussians, checkerboard, rings (2-D); mnist, mnist:DIR (IDX files), "
                              "folder:PATH (PNG/JPEG images); weather, csv:PATH (time series)"),
                         [](const json& v) {
                           const std::string d = v.get<std::string>();
                           return is_data_name(d) ? std::string() : "unknown data set '" + d + "' (" + data_names_help() + ")";
                         }));
  rows.push_back(checked(integer("size", &TrainConfig::size, 0, 256, "image size",
                                 "image side in pixels (0: the data's own, 28 for MNIST, 32 for folders; 14 for quick CPU runs)"),
                         [](const json& v) {
                           const int64_t n = v.get<int64_t>();
                           return n == 0 || n >= 8 ? std::string() : std::string("size must be 0 (the data's own) or in [8, 256]");
                         }));
  rows.push_back(checked(integer("channels", &TrainConfig::channels, 0, 3, "channels",
                                 "1 (gray) or 3 (RGB); 0: the data's own"),
                         [](const json& v) {
                           const int64_t n = v.get<int64_t>();
                           return n == 0 || n == 1 || n == 3 ? std::string() : std::string("channels must be 1 or 3 (0: the data's own)");
                         }));
  rows.push_back(integer("window", &TrainConfig::window, 2, 100000, "window",
                         "time series: time points per window a model sees and imputes (CSDI: 36)"));
  rows.push_back(text("time_column", &TrainConfig::time_column, "time column",
                      "time series: the CSV column that is the time axis (empty: a first column named date or "
                      "time, or one that is not numeric)"));
  {  // a string field with a fixed set of values
    Setting model = text("model", &TrainConfig::model, "model",
                         "mlp (2-D data), tiny or small (U-Nets; tiny is the default for images), csdi (time "
                         "series), torchscript (a model started from a TorchScript file)");
    model.type = SettingType::Choice;
    model.choices = {"mlp", "tiny", "small", "csdi", "torchscript"};
    rows.push_back(model);
  }
  rows.push_back(text("model_file", &TrainConfig::model_file, "model file", "the TorchScript file of a torchscript model"));
  {
    Setting prediction = text("prediction", &TrainConfig::prediction, "prediction",
                              "what a torchscript model outputs: eps | x0 | v (many diffusers models predict v); "
                              "converted to eps once where the model is called");
    prediction.type = SettingType::Choice;
    prediction.choices = {"eps", "x0", "v"};
    rows.push_back(prediction);
  }
  {  // the noise schedule's settings live in TrainConfig::beta
    Setting T = row("T", SettingType::Integer, "T", "number of diffusion steps");
    T.min = 2;
    T.max = 100000;
    T.get = [](const TrainConfig& c) { return json(c.beta.T); };
    T.set = [](TrainConfig& c, const json& v) { c.beta.T = v.get<int>(); };
    rows.push_back(T);
    Setting kind = row("beta", SettingType::Choice, "beta schedule", "base noise schedule");
    kind.choices = {"linear", "cosine", "quadratic"};
    kind.get = [](const TrainConfig& c) { return json(to_string(c.beta.kind)); };
    kind.set = [](TrainConfig& c, const json& v) { c.beta.kind = beta_kind_from_string(v.get<std::string>()); };
    rows.push_back(in_beta(kind, "kind"));
    Setting b1 = row("b1", SettingType::Real, "first beta", "first beta of linear and quadratic schedules");
    b1.max = 1.0;
    b1.get = [](const TrainConfig& c) { return json(c.beta.b1); };
    b1.set = [](TrainConfig& c, const json& v) { c.beta.b1 = v.get<double>(); };
    rows.push_back(in_beta(b1, "b1"));
    Setting bT = row("bT", SettingType::Real, "last beta", "last beta of linear and quadratic schedules");
    bT.max = 1.0;
    bT.get = [](const TrainConfig& c) { return json(c.beta.bT); };
    bT.set = [](TrainConfig& c, const json& v) { c.beta.bT = v.get<double>(); };
    rows.push_back(in_beta(bT, "bT"));
  }
  rows.push_back(choice("semantics", &TrainConfig::semantics, {"paper", "jump"}, semantics_from_string, "semantics",
                        "noise level of a kept step: paper skips the noise of dropped steps, jump keeps abar_t"));
  {
    Setting keep = real("keep", &TrainConfig::keep, 0.0, 1.0, "keep",
                        "share of the T steps kept at the end (gamma_f); K = round(keep T) steps");
    keep.min_open = true;
    rows.push_back(live(keep));
  }
  rows.push_back(choice("loss_weight", &TrainConfig::loss_weight, {"simple", "elbo"}, weighting_from_string,
                        "loss weight", "model loss weight: simple | elbo"));
  rows.push_back(choice("reward", &TrainConfig::reward, {"simple", "elbo", "fidelity", "data"}, reward_from_string, "reward",
                        "score of a mask: simple | elbo (its denoising loss) | fidelity (its few-step sample vs the full "
                        "chain's from the same noise) | data (its few-step samples vs a data batch)"));
  rows.push_back(choice("solver", &TrainConfig::solver, solver_names(), solver_kind_from_string, "solver",
                        "the solver the run samples with: its rollouts (fidelity/data), quality checks and settling, "
                        "so the mask learns the steps for it: ddim | euler | heun | dpmpp-2m | unipc"));
  rows.push_back(integer("masks_per_iter", &TrainConfig::masks_per_iter, 2, 4096, "masks per iteration",
                         "fidelity/data: masks scored per iteration"));
  rows.push_back(integer("initial_budget", &TrainConfig::initial_budget, 0, kHuge, "initial budget",
                         "steps the ramp starts from (0: T; 4K for fidelity/data, whose rollouts cost one network call "
                         "per kept step)"));
  rows.push_back(integer("refresh_every", &TrainConfig::refresh_every, 0, kHuge, "refresh every",
                         "fidelity/data: draw new starting noise (and full-chain references) every N iterations (0: "
                         "never with freeze_model, else 200)"));
  rows.push_back(integer("pool", &TrainConfig::pool, 2, 1 << 20, "pool", "fidelity/data: starting noises per iteration"));
  rows.push_back(choice("baseline", &TrainConfig::baseline, {"none", "loo", "ema"}, baseline_from_string, "baseline",
                        "REINFORCE baseline: none | loo (leave-one-out) | ema"));
  {
    Setting ema = real("ema_decay", &TrainConfig::ema_decay, 0.0, 1.0, "reward EMA decay",
                       "decay of the running mean of the rewards (the ema baseline)");
    ema.max_open = true;
    rows.push_back(ema);
  }
  rows.push_back(flag("normalize_advantages", &TrainConfig::normalize_advantages, "normalize advantages",
                      "divide advantages by the batch's reward spread (the paper does not)"));
  rows.push_back(flag("per_example_masks", &TrainConfig::per_example_masks, "per-example masks",
                      "one mask per example (else one per iteration)"));
  rows.push_back(flag("pin_last", &TrainConfig::pin_last, "pin the last step",
                      "always keep the last step (the default under paper semantics)"));
  rows.push_back(absent_means(choice("budget_rule", &TrainConfig::budget_rule, {"exact", "at-most"},
                                     budget_rule_from_string, "budget rule",
                                     "the mask spends its budget exactly (sum s = K_e) or at most (the paper: a step "
                                     "at 0 never comes back)"),
                              "at-most"));
  rows.push_back(absent_means(flag("settle", &TrainConfig::settle, "settle",
                                   "pull the mask toward its top K from the ramp's end on, so it ends deterministic "
                                   "(the paper does not)"),
                              false));
  rows.push_back(absent_means(choice("settle_to", &TrainConfig::settle_to, {"top-k", "best-measured"},
                                     settle_to_from_string, "settle to",
                                     "what settling pulls toward: the mask's own top K, or the best measured of its "
                                     "top K, draws from it and the handcrafted schedules"),
                              "top-k"));
  {
    Setting check_n = checked(integer("check_n", &TrainConfig::check_n, 0, 1 << 24, "check samples",
                                      "samples per schedule when settling measures its candidates and when the "
                                      "verdict judges the learned steps (0: 16000 points, 1000 images; time series: "
                                      "imputations per test window, 0: 16)"),
                              [](const json& v) {
                                return v.get<int64_t>() != 1 ? std::string()
                                                             : std::string("check_n must be at least 2 (0: the default)");
                              });
    check_n.absent = [](const TrainConfig& c) { return json(c.image_data() ? 0 : 4000); };
    rows.push_back(check_n);
  }
  rows.push_back(absent_means(choice("mask_start", &TrainConfig::mask_start, {"even", "best-handcrafted"},
                                     mask_start_from_string, "mask start",
                                     "fidelity/data: start the mask search from an even spread or from the handcrafted "
                                     "schedule the reward scores best"),
                              "even"));
  {
    Setting ema = real("weights_ema", &TrainConfig::weights_ema, 0.0, 1.0, "weights EMA",
                       "decay of the EMA of the model's weights that sampling and measuring use (0: none)");
    ema.max_open = true;
    rows.push_back(absent_means(ema, 0.0));
  }
  rows.push_back(absent_means(flag("fused_mask_draw", &TrainConfig::fused_mask_draw, "fused mask draw",
                                   "per-example masks on the CPU drawn in one pass per row (else tensor operations)"),
                              false));
  {
    Setting step_path = choice("step_path", &TrainConfig::step_path, {"auto", "plain", "device"}, step_path_from_string,
                               "step path",
                               "how an iteration runs: plain | device (no host reads, captured in a CUDA graph on "
                               "CUDA) | auto (device on CUDA)");
    step_path.cli_aliases = {"--step"};
    rows.push_back(step_path);
  }
  {
    Setting sigma0 = real("sigma0", &TrainConfig::sigma0, 0.0, kHuge, "sigma0", "data noise floor of the ELBO weighting");
    sigma0.min_open = true;
    rows.push_back(sigma0);
  }
  rows.push_back(integer("iters", &TrainConfig::iters, 1, kHuge, "iterations", "training iterations"));
  rows.push_back(integer("warmup", &TrainConfig::warmup, -1, kHuge, "warm-up, i1",
                         "full-chain iterations before the budget ramp starts (-1: 20% of iters)"));
  rows.push_back(integer("ramp_end", &TrainConfig::ramp_end, -1, kHuge, "ramp end, i2",
                         "iteration where the budget reaches keep (-1: 80% of iters)"));
  rows.push_back(integer("batch", &TrainConfig::batch, 2, 1 << 20, "batch", "batch size (data-parallel: the global batch, split over the workers)"));
  rows.push_back(real("lr", &TrainConfig::lr, 0.0, kHuge, "model learning rate", "Adam learning rate of the model"));
  rows.push_back(live(real("lr_s", &TrainConfig::lr_s, 0.0, kHuge, "mask learning rate",
                           "SGD learning rate of the mask probabilities")));
  rows.push_back(real("grad_clip", &TrainConfig::grad_clip, 0.0, kHuge, "gradient clip",
                      "clip the model's gradient to this global norm (0: no clipping)"));
  rows.push_back(integer("seed", &TrainConfig::seed, 0, 1.8e19, "seed", "random seed"));
  rows.push_back(checked(text("device", &TrainConfig::device, "device", "auto | cpu | cuda | cuda:N"), [](const json& v) {
    const std::string d = v.get<std::string>();
    return d == "auto" || d == "cpu" || d.rfind("cuda", 0) == 0 ? std::string()
                                                                : std::string("device must be auto, cpu or cuda[:N]");
  }));
  rows.push_back(flag("freeze_model", &TrainConfig::freeze_model, "freeze the model", "train the mask only"));
  rows.push_back(integer("log_every", &TrainConfig::log_every, 1, kHuge, "log every", "iterations between logged rows"));
  for (Setting& s : rows)
    if (s.json_path.empty()) s.json_path = {s.name};
  return rows;
}

std::string number(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}
}  // namespace

std::string Setting::flag() const {
  std::string f = "--" + name;
  for (char& ch : f)
    if (ch == '_') ch = '-';
  return f;
}

std::string Setting::problem(const json& value) const {
  switch (type) {
    case SettingType::Flag:
      if (!value.is_boolean()) return name + " must be true or false";
      break;
    case SettingType::Text:
      if (!value.is_string()) return name + " must be a string";
      break;
    case SettingType::Choice: {
      if (!value.is_string()) return name + " must be a string";
      const std::string v = value.get<std::string>();
      if (std::find(choices.begin(), choices.end(), v) == choices.end()) {
        std::string list;
        for (const auto& c : choices) list += (list.empty() ? "" : ", ") + c;
        return "unknown " + name + " '" + v + "' (" + list + ")";
      }
      break;
    }
    case SettingType::Integer:
    case SettingType::Real: {
      if (type == SettingType::Integer ? !value.is_number_integer() : !value.is_number())
        return name + (type == SettingType::Integer ? " must be an integer" : " must be a number");
      const double v = value.is_number_unsigned() ? double(value.get<uint64_t>()) : value.get<double>();
      const bool below = min_open ? !(v > min) : !(v >= min);
      const bool above = max_open ? !(v < max) : !(v <= max);
      if (below || above) {
        if (max >= kHuge) return name + " must be " + (min_open ? "above " : "at least ") + number(min);
        return name + " must be in " + (min_open ? "(" : "[") + number(min) + ", " + number(max) + (max_open ? ")" : "]");
      }
      break;
    }
  }
  return check ? check(value) : std::string();
}

const std::vector<Setting>& training_settings() {
  static const std::vector<Setting> rows = make_rows();
  return rows;
}

const Setting* find_setting(const std::string& name) {
  for (const Setting& s : training_settings())
    if (s.name == name) return &s;
  return nullptr;
}

std::string settings_problem(const TrainConfig& c) {
  for (const Setting& s : training_settings()) {
    std::string p = s.problem(s.get(c));
    if (!p.empty()) return p;
  }
  return {};
}

}  // namespace eddpm
