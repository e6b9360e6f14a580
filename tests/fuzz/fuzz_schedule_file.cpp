// libFuzzer target: schedule JSON from anywhere (a colleague's file, a hand edit) must either load
// or be refused with std::invalid_argument; any other exception, crash or sanitizer report is a bug.
// Built and run by scripts/fuzz (clang, -fsanitize=fuzzer,address,undefined).
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "schedule_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
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
