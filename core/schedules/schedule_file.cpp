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
  file.sigmas = sigmas_of(noise, file.timesteps);
  file.source = source;
  return file;
}

std::vector<double> sigmas_of(const NoiseSchedule& noise, const std::vector<int>& timesteps) {
  std::vector<double> sigmas;
  for (int t : timesteps) {
    const double a = noise.alpha_bar(t);
    sigmas.push_back(std::sqrt((1.0 - a) / a));
  }
  sigmas.push_back(0.0);
  return sigmas;
}

nlohmann::json to_json(const ScheduleFile& f) {
  const int64_t K = int64_t(f.timesteps.size());
  nlohmann::json j = {{"format", kFormat}, {"version", kVersion}, {"T", f.beta.T},
                      {"beta", {{"kind", to_string(f.beta.kind)}, {"b1", f.beta.b1}, {"bT", f.beta.bT}}},
                      {"semantics", to_string(f.semantics)}, {"timesteps", f.timesteps}, {"levels", f.levels},
                      {"sigmas", f.sigmas}, {"prediction", f.prediction}, {"solver", f.solver.name()},
                      {"eta", f.solver.eta}, {"K", K}, {"nfe", f.solver.nfe(K)},
                      {"source", f.source}, {"made", {{"how", f.how}, {"settings", f.settings}}},
                      {"quality", f.quality}, {"metrics", f.metrics}};
  if (!f.checkpoint_sha256.empty()) j["checkpoint_sha256"] = f.checkpoint_sha256;
  return j;
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
  f.sigmas = sigmas_of(noise, f.timesteps);
  if (j.contains("sigmas")) {  // written by us, or edited: must still say the same steps
    const auto given = field<std::vector<double>>(j, "sigmas");
    if (given.size() != f.sigmas.size())
      throw std::invalid_argument("schedule has " + std::to_string(given.size()) + " sigmas for " +
                                  std::to_string(f.timesteps.size()) + " timesteps (and the trailing 0)");
    for (size_t i = 0; i < given.size(); ++i)
      if (!(std::abs(given[i] - f.sigmas[i]) <= 1e-6 * std::max(1.0, f.sigmas[i])))
        throw std::invalid_argument("sigma " + std::to_string(i + 1) + " does not match timestep " +
                                    (i < f.timesteps.size() ? std::to_string(f.timesteps[i]) : "end (0)"));
  }
  f.prediction = j.value("prediction", std::string("eps"));
  if (f.prediction != "eps" && f.prediction != "x0" && f.prediction != "v")
    throw std::invalid_argument("prediction \"" + f.prediction + "\" is not eps, x0 or v");
  f.solver = Solver::parse(j.value("solver", std::string("ddim")), j.contains("eta") ? field<double>(j, "eta") : 0.0);
  f.checkpoint_sha256 = j.value("checkpoint_sha256", std::string());
  f.source = j.value("source", std::string("manual"));
  if (j.contains("made") && j.at("made").is_object()) {
    f.how = j.at("made").value("how", std::string("manual"));
    if (j.at("made").contains("settings") && j.at("made").at("settings").is_object())
      f.settings = j.at("made").at("settings");
  }
  if (j.contains("quality") && j.at("quality").is_object()) f.quality = j.at("quality");
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
  save_schedule(file, path, ScheduleFormat::Json);
}

ScheduleFile load_schedule_json(const std::filesystem::path& path) {
  const std::string text = read_text_file(path, 64u << 20);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw std::invalid_argument(path.string() + ": not valid JSON (byte " + std::to_string(e.byte) + ")");
  } catch (const nlohmann::json::exception&) {  // a number beyond a double, ...
    throw std::invalid_argument(path.string() + ": not valid JSON (a number out of range)");
  }
  try {
    return schedule_file_from_json(j);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(path.string() + ": " + e.what());
  }
}

namespace {
// Enough digits that float32 tools read back the same sigma.
std::string number(double v) {
  std::ostringstream out;
  out << std::setprecision(9) << v;
  return out.str();
}

std::string csv_text(const ScheduleFile& file) {
  std::ostringstream out;
  out << std::setprecision(17) << "step,timestep,level,log_snr,sigma\n";
  for (size_t i = 0; i < file.timesteps.size(); ++i) {
    const double a = file.levels[i];
    out << i + 1 << ',' << file.timesteps[i] << ',' << a << ',' << std::log(a / (1.0 - a)) << ',' << file.sigmas[i]
        << '\n';
  }
  return out.str();
}

std::string sigma_list(const ScheduleFile& file, const char* separator) {
  std::string out;
  for (size_t i = 0; i < file.sigmas.size(); ++i) {
    std::string v = number(file.sigmas[i]);
    // A1111's Extra Schedulers rescales a list that starts at exactly 1.0 and ends at 0 into its own
    // [sigma_min, sigma_max]: a first sigma of 1 is written a hair above it to be taken as it is.
    if (i == 0 && file.sigmas[i] == 1.0) v = "1.00000001";
    if (i + 1 == file.sigmas.size()) v = "0.0";  // a float, so list readers see sigmas, not timesteps
    out += (i ? separator : "") + v;
  }
  return out;
}
}  // namespace

ScheduleFormat schedule_format_from_string(const std::string& name) {
  if (name == "json") return ScheduleFormat::Json;
  if (name == "csv") return ScheduleFormat::Csv;
  if (name == "sigmas") return ScheduleFormat::Sigmas;
  if (name == "comfyui") return ScheduleFormat::ComfyUi;
  if (name == "a1111") return ScheduleFormat::A1111;
  throw std::invalid_argument("unknown schedule format '" + name + "' (json, csv, sigmas, comfyui, a1111)");
}

std::optional<ScheduleFormat> schedule_format_of_path(const std::filesystem::path& path) {
  const std::string ext = path.extension().string();
  if (ext == ".json") return ScheduleFormat::Json;
  if (ext == ".csv") return ScheduleFormat::Csv;
  return std::nullopt;
}

std::string schedule_text(const ScheduleFile& file, ScheduleFormat format) {
  switch (format) {
    case ScheduleFormat::Json: return to_json(file).dump(2) + "\n";
    case ScheduleFormat::Csv: return csv_text(file);
    case ScheduleFormat::Sigmas: return sigma_list(file, "\n") + "\n";
    case ScheduleFormat::ComfyUi: return sigma_list(file, ", ") + "\n";
    case ScheduleFormat::A1111: return "[" + sigma_list(file, ", ") + "]\n";
  }
  throw std::logic_error("unknown schedule format");
}

void save_schedule(const ScheduleFile& file, const std::filesystem::path& path, ScheduleFormat format) {
  write_text_atomically(path, schedule_text(file, format));
}

void save_schedule_csv(const ScheduleFile& file, const std::filesystem::path& path) {
  save_schedule(file, path, ScheduleFormat::Csv);
}

}  // namespace eddpm
