#include "rng.h"

#include <mutex>
#include <stdexcept>

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Context.h>

#ifdef EDDPM_WITH_CUDA
#include <ATen/cuda/CUDAGeneratorImpl.h>
#endif

namespace eddpm {

at::Generator make_cpu_generator(uint64_t seed) {
  return at::make_generator<at::CPUGeneratorImpl>(seed);
}

at::Generator make_generator(const c10::Device& device, uint64_t seed) {
  if (device.is_cpu()) return make_cpu_generator(seed);
#ifdef EDDPM_WITH_CUDA
  if (device.is_cuda()) {
    at::Generator gen = at::cuda::detail::createCUDAGenerator(device.has_index() ? device.index() : -1);
    gen.set_current_seed(seed);
    return gen;
  }
#endif
  throw std::invalid_argument("no random generator for device " + device.str());
}

at::Generator make_training_generator(const c10::Device& device, uint64_t seed) {
  if (device.is_cpu()) return make_cpu_generator(seed);
  at::Generator gen = at::globalContext().defaultGenerator(device);
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_current_seed(seed);
  return gen;
}

namespace {
std::recursive_mutex default_generator_turn;
}  // namespace

DefaultGeneratorScope::DefaultGeneratorScope(const c10::Device& device, uint64_t seed)
    : turn_(default_generator_turn) {
  std::vector<at::Generator> generators{at::globalContext().defaultGenerator(c10::Device(c10::kCPU))};
  if (!device.is_cpu()) generators.push_back(at::globalContext().defaultGenerator(device));
  for (at::Generator& gen : generators) {
    std::lock_guard<std::mutex> lock(gen.mutex());
    saved_.emplace_back(gen, gen.get_state());
    gen.set_current_seed(seed);
  }
}

DefaultGeneratorScope::~DefaultGeneratorScope() {
  for (auto& [gen, state] : saved_) {
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_state(state);
  }
}

torch::Tensor generator_state(at::Generator gen) {
  std::lock_guard<std::mutex> lock(gen.mutex());
  return gen.get_state();
}

void set_generator_state(at::Generator& gen, const torch::Tensor& state) {
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_state(state);
}

}  // namespace eddpm
