#pragma once
// The CLI's face of the settings table (core/settings/setting_table.h): one flag per row, spelled
// as the row's name with '-' for '_', with the row's help text, default and range check. Values
// given on the command line are set in a TrainConfig through the rows.
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "setting_table.h"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace eddpm::cli {

// The value a command-line word gives a row: an integer, a number, true/false (1/0, yes/no, on/off)
// or the word itself. Throws std::invalid_argument naming the setting when the word is not of its type.
nlohmann::json parse_setting_word(const Setting& row, const std::string& word);

class SettingOptions {
 public:
  // A flag for every row but those named in `by_hand`, whose flags the command writes itself
  // (they take more than a value: shared with other commands, or defaults that follow others).
  void add_to(CLI::App& command, const std::set<std::string>& by_hand);
  // The flag of row `name` (null if it has none), and whether it was given.
  CLI::Option* option(const std::string& name) const;
  bool given(const std::string& name) const;
  // Sets every given row's value in `config`.
  void apply(TrainConfig& config) const;

 private:
  struct Entry {
    const Setting* row = nullptr;
    std::string word;  // CLI11 writes the given word here
    CLI::Option* option = nullptr;
  };
  std::vector<std::unique_ptr<Entry>> entries_;  // CLI11 keeps pointers to each word
};

}  // namespace eddpm::cli
