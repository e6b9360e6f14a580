#pragma once
// Seeded random streams. Every random draw of the engine goes through an explicit generator so a
// run can be reproduced and its RNG state saved in a checkpoint.
#include <cstdint>

#include <ATen/core/Generator.h>
#include <c10/core/Device.h>
#include <torch/types.h>

namespace eddpm {

// A fresh CPU generator with this seed.
at::Generator make_cpu_generator(uint64_t seed);

// The generator to draw on `device` with: a private one on the CPU, the device's default one
// elsewhere (seeded here). Draws on that device must use it.
at::Generator make_generator(const c10::Device& device, uint64_t seed);

torch::Tensor generator_state(at::Generator gen);
void set_generator_state(at::Generator& gen, const torch::Tensor& state);

}  // namespace eddpm
