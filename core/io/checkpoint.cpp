#include "checkpoint.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <stdexcept>

#include <caffe2/serialize/inline_container.h>
#include <nlohmann/json.hpp>
#include <torch/serialize/archive.h>

#include "atomic_file.h"
#include "compute_device.h"
#include "model_factory.h"
#include "torchscript_model.h"

namespace eddpm {

namespace {
constexpr char kFormat[] = "eddpm-checkpoint";
constexpr int64_t kVersion = 1;

torch::Tensor text_tensor(const std::string& text) {
  return torch::tensor(std::vector<int64_t>(text.begin(), text.end()), torch::kLong).to(torch::kUInt8);
}

std::string tensor_text(const torch::Tensor& t) {
  const torch::Tensor c = t.to(torch::kUInt8).contiguous();
  const auto* p = c.data_ptr<uint8_t>();
  return std::string(p, p + c.numel());
}
// A LibTorch archive is a TorchScript module: its code records are TorchScript that LibTorch
// compiles while it loads the archive; a method (a __setstate__) would run, and malformed class
// bodies have crashed its parser (found by fuzzing). EDDPM checkpoints hold nothing but module
// classes that declare attributes, each referring only to classes of a higher number, so every
// line of every code record must have one of those few forms, or the file is refused unread.
int64_t mangle_number(const std::string& text) {  // "___torch_mangle_12" -> 12; none -> -1
  static const std::regex mangle("___torch_mangle_([0-9]{1,6})");
  std::smatch m;
  return std::regex_search(text, m, mangle) ? std::stoll(m[1].str()) : -1;
}

bool is_checkpoint_code_line(const std::string& line, int64_t own_number) {
  static const std::regex name_list(R"(  __(parameters|buffers)__ = \[("[^"\\]*", )*\])");
  static const std::regex declaration(
      R"(  (__annotations__\["[^"\\]*"\] = |[A-Za-z_][A-Za-z0-9_]* : )(Tensor|int|float|bool|str|Tuple\[float, float\]|__torch__\.___torch_mangle_[0-9]{1,6}\.Module))");
  if (line.empty() || line == "class Module(Module):" || line == "  __annotations__ = []") return true;
  if (std::regex_match(line, name_list)) return true;
  if (!std::regex_match(line, declaration)) return false;
  const int64_t referred = mangle_number(line);
  return referred < 0 || referred > own_number;
}

void refuse_code(const std::string& where) {
  caffe2::serialize::PyTorchStreamReader reader(where);
  for (const std::string& name : reader.getAllRecords()) {
    // LibTorch finds records by name ignoring case (miniz's default): "Code/x.PY" is code too.
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (lower.find("code/") == std::string::npos || lower.size() < 3 || lower.compare(lower.size() - 3, 3, ".py") != 0)
      continue;
    const auto record = reader.getRecord(name);
    const std::string text(static_cast<const char*>(std::get<0>(record).get()), std::get<1>(record));
    const int64_t own = mangle_number(name);
    size_t begin = 0;
    while (begin < text.size()) {
      size_t end = text.find('\n', begin);
      if (end == std::string::npos) end = text.size();
      if (!is_checkpoint_code_line(text.substr(begin, end - begin), own))
        throw std::runtime_error(where + ": holds TorchScript code (" + name +
                                 ") that EDDPM checkpoints never do: not loaded");
      begin = end + 1;
    }
  }
}
}  // namespace

void write_checkpoint(const TrainConfig& config, const std::function<void(torch::serialize::OutputArchive&)>& state,
                      const std::filesystem::path& path) {
  torch::serialize::OutputArchive archive;
  archive.write("format", text_tensor(kFormat));
  archive.write("version", torch::tensor(kVersion, torch::kLong));
  archive.write("config", text_tensor(to_json(config).dump()));
  state(archive);
  write_atomically(path, [&](const std::filesystem::path& temporary) { archive.save_to(temporary.string()); });
}

void read_checkpoint(const std::filesystem::path& path,
                     const std::function<void(const TrainConfig&, torch::serialize::InputArchive&)>& read,
                     const std::function<void(const std::string&)>& notice) {
  const std::string where = path.string();
  if (!std::filesystem::is_regular_file(path)) throw std::runtime_error(where + ": no such checkpoint file");
  torch::serialize::InputArchive archive;
  try {
    refuse_code(where);
    archive.load_from(where);
  } catch (const std::runtime_error& e) {
    if (std::string(e.what()).rfind(where, 0) == 0) throw;  // our own reason
    throw std::runtime_error(where + ": not a readable checkpoint (truncated or not a LibTorch archive)");
  } catch (const std::exception&) {  // c10::Error, or the TorchScript importer's ErrorReport
    throw std::runtime_error(where + ": not a readable checkpoint (truncated or not a LibTorch archive)");
  }
  try {
    torch::Tensor format, version, config_text;
    if (!archive.try_read("format", format) || tensor_text(format) != kFormat)
      throw std::runtime_error(where + ": not an EDDPM checkpoint");
    archive.read("version", version);
    if (version.item<int64_t>() != kVersion)
      throw std::runtime_error(where + ": checkpoint version " + std::to_string(version.item<int64_t>()) +
                               " is not supported (expected " + std::to_string(kVersion) + ")");
    archive.read("config", config_text);
    const TrainConfig config = train_config_from_json(nlohmann::json::parse(tensor_text(config_text)));
    if (config.model == "torchscript" && notice) notice(torchscript_warning(config.model_file));
    try {
      read(config, archive);
    } catch (const CheckpointSetupError& e) {  // its data or model file: not the checkpoint's fault
      throw std::runtime_error(where + ": " + e.what());
    }
  } catch (const std::runtime_error&) {
    throw;
  } catch (const std::exception& e) {
    std::string reason = e.what();
    reason = reason.substr(0, reason.find('\n'));
    throw std::runtime_error(where + ": damaged checkpoint (" + reason + ")");
  }
}

torch::Tensor read_mask(torch::serialize::InputArchive& archive, int T) {
  torch::Tensor s;
  archive.read("s", s);
  if (s.dim() != 1 || s.size(0) != T)
    throw std::invalid_argument("mask has " + std::to_string(s.numel()) + " steps, config says T=" + std::to_string(T));
  const torch::Tensor s64 = s.to(torch::kCPU, torch::kFloat64);
  if (!(s64.ge(0.0).all().item<bool>() && s64.le(1.0).all().item<bool>()))  // NaN fails both
    throw std::invalid_argument("mask probabilities outside [0, 1]");
  return s64;
}

int64_t read_iteration(torch::serialize::InputArchive& archive) {
  torch::Tensor iteration;
  archive.read("iteration", iteration);
  if (iteration.numel() != 1 || iteration.item<int64_t>() < 0) throw std::invalid_argument("negative iteration");
  return iteration.item<int64_t>();
}

TrainedModel load_checkpoint(const std::filesystem::path& path, const std::string& device,
                             const std::function<void(const std::string&)>& notice) {
  TrainedModel trained;
  read_checkpoint(path, [&](const TrainConfig& config, torch::serialize::InputArchive& archive) {
    trained.config = config;
    trained.config.semantics = sampling_semantics(config);
    try {
      validate(config);
      trained.noise = NoiseSchedule(config.beta);
      trained.device = resolve_device(device);
      trained.data = make_dataset(config);
      trained.model = make_model(config, trained.data->sample_shape(), trained.device);
    } catch (const std::invalid_argument& e) {
      throw CheckpointSetupError(e.what());
    }
    // The weights to sample with: the EMA where the run keeps one and the file has it.
    torch::serialize::InputArchive weights;
    if (!(config.keeps_weights_ema() && archive.try_read("model_ema", weights))) archive.read("model", weights);
    trained.model->load(weights);
    trained.model->to(trained.device);
    const torch::Tensor s = read_mask(archive, trained.noise.T());
    trained.mask.assign(s.data_ptr<double>(), s.data_ptr<double>() + s.numel());
    trained.iteration = read_iteration(archive);
  }, notice);
  return trained;
}

}  // namespace eddpm
