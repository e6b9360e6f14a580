#include "setting_options.h"

#include <iomanip>
#include <sstream>
#include <stdexcept>

#include <CLI/CLI.hpp>

namespace eddpm::cli {

namespace {
std::string word_of(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "1" : "0";
  return value.dump();
}

std::string number_word(double v, bool integer) {
  if (integer) return std::to_string(int64_t(v));
  std::ostringstream out;
  out << std::setprecision(17) << v;
  return out.str();
}

// What --help shows after the flag, as CLI11's own checks show it: "INT in [2 - 1048576]",
// "TEXT {paper,jump}", or "FLOAT at least 0" where only the lower end bounds. A range that reaches
// past int64 (the seed) shows as UINT alone.
std::string type_word(const Setting& row) {
  switch (row.type) {
    case SettingType::Integer: return row.max > 9e18 ? "UINT" : "INT";
    case SettingType::Real: return "FLOAT";
    case SettingType::Flag: return "BOOLEAN";
    default: return "TEXT";
  }
}

std::string range_words(const Setting& row) {
  if (row.type == SettingType::Choice) {
    std::string set;
    for (const std::string& c : row.choices) set += (set.empty() ? "" : ",") + c;
    return "{" + set + "}";
  }
  if ((row.type != SettingType::Integer && row.type != SettingType::Real) || row.max > 9e18) return "";
  const bool integer = row.type == SettingType::Integer;
  if (row.max >= 1e15)  // no upper bound worth a number
    return (row.min_open ? "above " : "at least ") + number_word(row.min, integer);
  return "in [" + number_word(row.min, integer) + " - " + number_word(row.max, integer) + "]";
}
}  // namespace

nlohmann::json parse_setting_word(const Setting& row, const std::string& word) {
  const auto refuse = [&](const char* kind) {
    return std::invalid_argument(row.name + " takes " + kind + ", not '" + word + "'");
  };
  size_t used = 0;
  switch (row.type) {
    case SettingType::Integer:
      try {
        if (!word.empty() && word[0] != '-') {
          const unsigned long long v = std::stoull(word, &used);
          if (used == word.size()) return nlohmann::json(uint64_t(v));
        } else {
          const long long v = std::stoll(word, &used);
          if (used == word.size()) return nlohmann::json(int64_t(v));
        }
      } catch (const std::exception&) {
      }
      throw refuse("an integer");
    case SettingType::Real:
      try {
        const double v = std::stod(word, &used);
        if (used == word.size()) return nlohmann::json(v);
      } catch (const std::exception&) {
      }
      throw refuse("a number");
    case SettingType::Flag:
      if (word == "1" || word == "true" || word == "yes" || word == "on") return true;
      if (word == "0" || word == "false" || word == "no" || word == "off") return false;
      throw refuse("1 or 0");
    case SettingType::Choice:
    case SettingType::Text:
      return word;
  }
  throw refuse("a value");
}

void SettingOptions::add_to(CLI::App& command, const std::set<std::string>& by_hand) {
  for (const Setting& row : training_settings()) {
    if (by_hand.count(row.name)) continue;
    auto entry = std::make_unique<Entry>();
    entry->row = &row;
    const Setting* r = &row;
    std::string names = row.flag();
    for (const std::string& alias : row.cli_aliases) names += "," + alias;
    entry->option = command.add_option(names, entry->word, row.help)
                        ->default_str(word_of(row.default_value()))
                        ->check(CLI::Validator(
                            [r](std::string& word) {
                              try {
                                return r->problem(parse_setting_word(*r, word));
                              } catch (const std::invalid_argument& e) {
                                return std::string(e.what());
                              }
                            },
                            range_words(row), ""))
                        ->type_name(type_word(row));
    entries_.push_back(std::move(entry));
  }
}

CLI::Option* SettingOptions::option(const std::string& name) const {
  for (const auto& e : entries_)
    if (e->row->name == name) return e->option;
  return nullptr;
}

bool SettingOptions::given(const std::string& name) const {
  const CLI::Option* o = option(name);
  return o != nullptr && o->count() > 0;
}

void SettingOptions::apply(TrainConfig& config) const {
  for (const auto& e : entries_)
    if (e->option->count() > 0) e->row->set(config, parse_setting_word(*e->row, e->word));
}

}  // namespace eddpm::cli
