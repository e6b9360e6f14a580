#pragma once
// Seeded random streams. Every random draw of the engine goes through an explicit generator so a
// run can be reproduced and its RNG state saved in a checkpoint.
#include <cstdint>
#include <mutex>
#include <utility>
#include <vector>

#include <ATen/core/Generator.h>
#include <c10/core/Device.h>
#include <torch/types.h>

namespace eddpm {

// A fresh CPU generator with this seed.
at::Generator make_cpu_generator(uint64_t seed);

// A private generator on `device` with this seed: for sampling, quality probes and metrics, whose
// draws must never move a training run's streams.
at::Generator make_generator(const c10::Device& device, uint64_t seed);

// The generator a training step draws on `device` with: a private one on the CPU; on CUDA the
// device's default one (seeded here), the one a captured CUDA graph replays from. Only training
// code takes it.
at::Generator make_training_generator(const c10::Device& device, uint64_t seed);

// Seeds the default generators (the CPU's, and the device's when that is not the CPU) for code that
// can only draw from them: LibTorch's module initialization and torch::dropout. Their states are
// put back when the scope ends, so a training stream on a default generator draws the same numbers
// whatever was built or measured in between. Scopes on different threads take turns.
class DefaultGeneratorScope {
 public:
  DefaultGeneratorScope(const c10::Device& device, uint64_t seed);
  ~DefaultGeneratorScope();
  DefaultGeneratorScope(const DefaultGeneratorScope&) = delete;
  DefaultGeneratorScope& operator=(const DefaultGeneratorScope&) = delete;

 private:
  std::unique_lock<std::recursive_mutex> turn_;
  std::vector<std::pair<at::Generator, torch::Tensor>> saved_;
};

torch::Tensor generator_state(at::Generator gen);
void set_generator_state(at::Generator& gen, const torch::Tensor& state);

}  // namespace eddpm
