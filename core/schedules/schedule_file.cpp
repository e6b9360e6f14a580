#include "schedule_file.h"

#include <cmath>
#include <iomanip>
#include <sstream>
#include <stdexcept>
#include <type_traits>

#include "atomic_file.h"
#include "handcrafted_schedules.h"
#include "json_integer.h"

namespace eddpm {

namespace {
constexpr char kFormat[] = "eddpm-schedule";
constexpr int kVersion = 1;

template <typename T>
T field(const nlohmann::json& j, const char* key) {
  if (!j.contains(key)) throw std::invalid_argument(std::string("schedule file has no \"") + key + "\"");
  const nlohmann::json& value = j.at(key);
  if constexpr (std::is_integral_v<T>) {  // no silent float-to-int conversion, no overflow
    if (!is_integer_in_range<T>(value))
      throw std::invalid_argument(std::string("schedule field \"") + key + "\" must be a small integer");
  }
  try {
    return value.get<T>();
  } catch (const nlohmann::json::exception&) {
    throw std::invalid_argument(std::string("schedule field \"") + key + "\" has the wrong type");
  }
}
}  // namespace

ScheduleFile make_schedule_file(const NoiseSchedule& noise, Semantics semantics,
                                std::vector<int> timesteps, const std::string& source) {
  ScheduleFile file;
  file.beta = noise.spec();
  file.semantics = semantics;
  file.timesteps = normalized_schedule(std::move(timesteps), noise.T());
  file.levels = kept_levels(noise, semantics, file.timesteps);
  file.source = source;
  return file;
}

nlohmann::json to_json(const ScheduleFile& f) {
  return {{"format", kFormat}, {"version", kVersion}, {"T", f.beta.T},
          {"beta", {{"kind", to_string(f.beta.kind)}, {"b1", f.beta.b1}, {"bT", f.beta.bT}}},
          {"semantics", to_string(f.semantics)}, {"timesteps", f.timesteps}, {"levels", f.levels},
          {"source", f.source}, {"metrics", f.metrics}};
}

namespace {
ScheduleFile parse_schedule(const nlohmann::json& j) {
  if (!j.is_object()) throw std::invalid_argument("schedule file is not a JSON object");
  if (j.value("format", std::string()) != kFormat)
    throw std::invalid_argument("not an eddpm-schedule file (\"format\" is missing or different)");
  if (field<int>(j, "version") != kVersion)
    throw std::invalid_argument("schedule file version " + j.at("version").dump() + " is not supported");
  ScheduleFile f;
  f.beta.T = field<int>(j, "T");
  const auto beta = field<nlohmann::json>(j, "beta");
  f.beta.kind = beta_kind_from_string(field<std::string>(beta, "kind"));
  f.beta.b1 = field<double>(beta, "b1");
  f.beta.bT = field<double>(beta, "bT");
  f.semantics = semantics_from_string(field<std::string>(j, "semantics"));
  const NoiseSchedule noise(f.beta);  // validates T and the beta range

  const auto steps = field<nlohmann::json>(j, "timesteps");
  if (!steps.is_array() || steps.empty()) throw std::invalid_argument("schedule has no timesteps");
  for (const auto& step : steps) {
    if (!step.is_number_integer()) throw std::invalid_argument("timesteps must be integers, got " + step.dump());
    const bool too_big = step.is_number_unsigned() && step.get<uint64_t>() >= uint64_t(f.beta.T);
    const long long t = too_big ? f.beta.T : step.get<long long>();
    if (t < 0 || t >= f.beta.T)
      throw std::invalid_argument("timestep " + step.dump() + " is outside [0, " + std::to_string(f.beta.T - 1) + "]");
    if (!f.timesteps.empty() && t >= f.timesteps.back())
      throw std::invalid_argument("timesteps must be strictly descending (" + std::to_string(f.timesteps.back()) +
                                  " then " + std::to_string(t) + ")");
    f.timesteps.push_back(int(t));
  }
  f.levels = kept_levels(noise, f.semantics, f.timesteps);
  if (j.contains("levels")) {
    const auto given = field<std::vector<double>>(j, "levels");
    if (given.size() != f.timesteps.size())
      throw std::invalid_argument("schedule has " + std::to_string(given.size()) + " levels for " +
                                  std::to_string(f.timesteps.size()) + " timesteps");
    for (size_t i = 0; i < given.size(); ++i)
      if (!(std::abs(given[i] - f.levels[i]) <= 1e-6 * std::max(1.0, std::abs(f.levels[i]))))
        throw std::invalid_argument("level of timestep " + std::to_string(f.timesteps[i]) +
                                    " does not match its beta schedule and semantics");
  }
  f.source = j.value("source", std::string("manual"));
  if (j.contains("metrics") && j.at("metrics").is_object()) f.metrics = j.at("metrics");
  return f;
}
}  // namespace

ScheduleFile schedule_file_from_json(const nlohmann::json& j) {
  try {
    return parse_schedule(j);
  } catch (const nlohmann::json::exception& e) {  // a field of the wrong type ("format": {}, ...)
    std::string reason = e.what();
    throw std::invalid_argument("a field has the wrong type (" + reason.substr(reason.find(']') + 2) + ")");
  }
}

void save_schedule_json(const ScheduleFile& file, const std::filesystem::path& path) {
  write_text_atomically(path, to_json(file).dump(2) + "\n");
}

ScheduleFile load_schedule_json(const std::filesystem::path& path) {
  const std::string text = read_text_file(path, 64u << 20);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw std::invalid_argument(path.string() + ": not valid JSON (byte " + std::to_string(e.byte) + ")");
  }
  try {
    return schedule_file_from_json(j);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(path.string() + ": " + e.what());
  }
}

void save_schedule_csv(const ScheduleFile& file, const std::filesystem::path& path) {
  std::ostringstream out;
  out << std::setprecision(17) << "step,timestep,level,log_snr\n";
  for (size_t i = 0; i < file.timesteps.size(); ++i) {
    const double a = file.levels[i];
    out << i + 1 << ',' << file.timesteps[i] << ',' << a << ',' << std::log(a / (1.0 - a)) << '\n';
  }
  write_text_atomically(path, out.str());
}

}  // namespace eddpm
