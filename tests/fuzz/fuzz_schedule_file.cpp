// libFuzzer target: schedule JSON from anywhere (a colleague's file, a hand edit) must either load
// or be refused with std::invalid_argument, and so must any pasted text the importer reads (sigma
// lines, lists, JSON); any other exception, crash or sanitizer report is a bug.
// Built and run by scripts/fuzz (clang, -fsanitize=fuzzer,address,undefined).
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "schedule_file.h"
#include "schedule_import.h"

namespace {
// What an import returns must be steps of the model: strictly descending, inside [0, T).
void check_import(const std::string& text) {
  static const eddpm::NoiseSchedule noise({eddpm::BetaKind::Linear, 1000, 1e-4, 0.02});
  try {
    const eddpm::ImportedSchedule imported = eddpm::import_schedule(text, noise);
    for (size_t i = 0; i < imported.timesteps.size(); ++i) {
      if (imported.timesteps[i] < 0 || imported.timesteps[i] >= noise.T()) __builtin_trap();
      if (i > 0 && imported.timesteps[i] >= imported.timesteps[i - 1]) __builtin_trap();
    }
  } catch (const std::invalid_argument&) {
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  check_import(text);
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;  // not JSON: load_schedule_json says so before this point
  try {
    const eddpm::ScheduleFile file = eddpm::schedule_file_from_json(j);
    // What loads must be a valid schedule: strictly descending timesteps inside [0, T).
    for (size_t i = 0; i < file.timesteps.size(); ++i) {
      if (file.timesteps[i] < 0 || file.timesteps[i] >= file.beta.T) __builtin_trap();
      if (i > 0 && file.timesteps[i] >= file.timesteps[i - 1]) __builtin_trap();
    }
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
