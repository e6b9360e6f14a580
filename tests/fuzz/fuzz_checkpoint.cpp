// libFuzzer target: a checkpoint from anywhere (a colleague's run, a damaged disk) must either load
// or be refused with std::runtime_error carrying the file's name; any other exception, crash or
// sanitizer report is a bug. Built and run by scripts/fuzz: this file, checkpoint.cpp and
// train_config.cpp with clang's coverage, ASan and UBSan; the rest of core from the build.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "training_checkpoint.h"

namespace {
std::filesystem::path scratch_file() {
  const std::filesystem::path dir = std::filesystem::exists("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path();
  return dir / ("eddpm-fuzz-" + std::to_string(getpid()) + ".pt");
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::filesystem::path path = scratch_file();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), std::streamsize(size));
  }
  try {
    const auto trainer = eddpm::resume_training(path, "cpu");
    // What loads is a run that can continue: its mask has T entries inside [0, 1].
    const auto s = trainer->mask_probabilities();
    if (int(s.size()) != trainer->noise().T()) __builtin_trap();
    for (double v : s)
      if (!(v >= 0.0 && v <= 1.0)) __builtin_trap();
  } catch (const std::runtime_error& e) {
    if (std::string(e.what()).rfind(path.string(), 0) != 0) __builtin_trap();  // the reason names the file
  }
  return 0;
}
