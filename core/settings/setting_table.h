#pragma once
// The table of a training run's settings (FFmpeg's AVOption, mpv's option tables): one row per
// setting with its name, type, range or choices, help text and whether it may change while a run
// trains. config.json is written and read through it, validate() checks every row's range, and
// the CLI, the explorer's setup panel and QSettings read the same rows.
//
// A row's name is the setting's one name: the TrainConfig field, the config.json key (beta's three
// keep their place inside "beta", as run folders have them), the QSettings key, and with '-' for
// '_' the CLI flag. Adding a setting is one row here and its field in TrainConfig.
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "train_config.h"

namespace eddpm {

enum class SettingType { Integer, Real, Flag, Choice, Text };

struct Setting {
  std::string name;   // "lr_s"
  std::string label;  // the explorer's words: "mask learning rate"
  std::string help;   // the CLI's help and the explorer's tool tip
  SettingType type = SettingType::Integer;
  double min = 0.0, max = 0.0;     // Integer, Real: the range
  bool min_open = false, max_open = false;  // the end itself is outside (keep in (0, 1])
  std::vector<std::string> choices;  // Choice: the accepted spellings
  bool live = false;  // may change while a run trains (the trainer has a setter for it)
  std::vector<std::string> json_path;  // where config.json holds it: {name}, or {"beta", "kind"}
  std::vector<std::string> cli_aliases;  // older flag spellings the CLI still takes ("--step")
  // The value in a TrainConfig, and setting it from a value this row's problem() accepts.
  std::function<nlohmann::json(const TrainConfig&)> get;
  std::function<void(TrainConfig&, const nlohmann::json&)> set;
  // What a config.json without this key means (a run written before the setting existed), given
  // the settings read before it; null: TrainConfig's default.
  std::function<nlohmann::json(const TrainConfig&)> absent;
  // A check beyond type and range (data names, devices); empty when the value is fine.
  std::function<std::string(const nlohmann::json&)> check;

  std::string flag() const;  // "--lr-s"
  nlohmann::json default_value() const { return get(TrainConfig{}); }
  // Empty when `value` has this row's type and lies in its range or choices, else why not, as one
  // sentence naming the setting: "lr_s must be at least 0".
  std::string problem(const nlohmann::json& value) const;
};

// Every setting of TrainConfig, in the order the explorer's form and the help show them.
const std::vector<Setting>& training_settings();
// The row named `name`, or null.
const Setting* find_setting(const std::string& name);

// The first row whose value in `c` is out of its range or choices ("" when none is).
std::string settings_problem(const TrainConfig& c);

}  // namespace eddpm
