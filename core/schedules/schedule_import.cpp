#include "schedule_import.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include <nlohmann/json.hpp>


namespace eddpm {

namespace {

struct Numbers {
  std::vector<double> values;
  bool any_decimal = false;  // written with a point or an exponent: sigmas
};

// Every number of a free-form list: commas, spaces, newlines and one pair of brackets.
Numbers scan_numbers(const std::string& text) {
  Numbers out;
  std::string token;
  auto flush = [&] {
    if (token.empty()) return;
    size_t used = 0;
    double v = 0.0;
    try {
      v = std::stod(token, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != token.size() || !std::isfinite(v)) throw std::invalid_argument("'" + token + "' is not a number");
    if (token.find_first_of(".eE") != std::string::npos) out.any_decimal = true;
    out.values.push_back(v);
    token.clear();
  };
  for (char c : text) {
    if (c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '[' || c == ']' || c == ';') {
      flush();
    } else {
      token += c;
    }
  }
  flush();
  return out;
}

Numbers json_numbers(const nlohmann::json& list, const char* what) {
  if (!list.is_array()) throw std::invalid_argument(std::string(what) + " is not a list");
  Numbers out;
  for (const auto& v : list) {
    if (!v.is_number()) throw std::invalid_argument(std::string(what) + " holds " + v.dump() + ", not a number");
    if (v.is_number_float()) out.any_decimal = true;
    out.values.push_back(v.get<double>());
  }
  return out;
}

std::vector<int> as_timesteps(const std::vector<double>& values, int T) {
  std::vector<int> steps;
  for (double v : values) {
    if (v != std::floor(v) || v < 0 || v >= T)
      throw std::invalid_argument("timestep " + std::to_string(v) + " is outside [0, " + std::to_string(T - 1) + "]");
    steps.push_back(int(v));
  }
  std::vector<int> sorted = steps;
  std::sort(sorted.rbegin(), sorted.rend());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
    throw std::invalid_argument("a timestep appears twice");
  return sorted;
}

// Each sigma to the timestep of nearest log sigma; the trailing 0 (the chain's end) is dropped.
ImportedSchedule from_sigmas(std::vector<double> sigmas, const NoiseSchedule& noise) {
  if (!sigmas.empty() && sigmas.back() == 0.0) sigmas.pop_back();
  if (sigmas.empty()) throw std::invalid_argument("no sigma above 0");
  const int T = noise.T();
  std::vector<double> log_sigma(T);
  for (int t = 0; t < T; ++t) log_sigma[t] = 0.5 * std::log((1.0 - noise.alpha_bar(t)) / noise.alpha_bar(t));
  ImportedSchedule out;
  out.form = "sigmas";
  for (double s : sigmas) {
    if (!(s > 0.0)) throw std::invalid_argument("sigma " + std::to_string(s) + " is not above 0 (only the last may be 0)");
    const double target = std::log(s);
    // log sigma rises with t: the nearest is beside the first that is not below.
    const auto it = std::lower_bound(log_sigma.begin(), log_sigma.end(), target);
    int t = int(it - log_sigma.begin());
    if (t == T || (t > 0 && target - log_sigma[t - 1] < log_sigma[t] - target)) --t;
    out.largest_move = std::max(out.largest_move, std::abs(std::exp(log_sigma[t] - target) - 1.0));
    if (std::find(out.timesteps.begin(), out.timesteps.end(), t) != out.timesteps.end()) {
      char s_text[32];
      std::snprintf(s_text, sizeof s_text, "%.6g", s);
      throw std::invalid_argument("two sigmas land on timestep " + std::to_string(t) + " (the second is " + s_text +
                                  "): the model has no step between them");
    }
    out.timesteps.push_back(t);
  }
  std::sort(out.timesteps.rbegin(), out.timesteps.rend());
  return out;
}

ImportedSchedule from_numbers(const Numbers& n, const NoiseSchedule& noise) {
  if (n.values.empty()) throw std::invalid_argument("no numbers to read a schedule from");
  if (n.any_decimal) return from_sigmas(n.values, noise);
  ImportedSchedule out;
  out.form = "timesteps";
  out.timesteps = as_timesteps(n.values, noise.T());
  return out;
}

}  // namespace

ImportedSchedule import_schedule(const std::string& text, const NoiseSchedule& noise) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) throw std::invalid_argument("no numbers to read a schedule from");
  if (text[first] != '{') return from_numbers(scan_numbers(text), noise);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw std::invalid_argument("not valid JSON (byte " + std::to_string(e.byte) + ")");
  } catch (const nlohmann::json::exception&) {  // a number beyond a double, ...
    throw std::invalid_argument("not valid JSON (a number out of range)");
  }
  if (j.contains("format")) {
    ImportedSchedule out;
    out.file = schedule_file_from_json(j);
    if (out.file->beta.T != noise.T() || out.file->beta.kind != noise.spec().kind)
      throw std::invalid_argument("the file is for T=" + std::to_string(out.file->beta.T) + " " +
                                  to_string(out.file->beta.kind) + ", the model has T=" + std::to_string(noise.T()) +
                                  " " + to_string(noise.spec().kind));
    out.form = "eddpm schedule file";
    out.timesteps = out.file->timesteps;
    return out;
  }
  if (j.contains("timesteps")) {
    Numbers n = json_numbers(j.at("timesteps"), "\"timesteps\"");
    if (n.any_decimal) throw std::invalid_argument("\"timesteps\" must be integers");
    return from_numbers(n, noise);
  }
  if (j.contains("sigmas")) {
    Numbers n = json_numbers(j.at("sigmas"), "\"sigmas\"");
    return from_sigmas(n.values, noise);
  }
  throw std::invalid_argument("a JSON object without \"timesteps\" or \"sigmas\"");
}

std::string describe(const ImportedSchedule& imported) {
  if (imported.form != "sigmas") return imported.form;
  char text[96];
  std::snprintf(text, sizeof text, "sigmas, moved at most %.2g%% onto the model's timesteps",
                100.0 * imported.largest_move);
  return text;
}

}  // namespace eddpm
