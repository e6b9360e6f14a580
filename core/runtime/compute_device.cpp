#include "compute_device.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#include <torch/cuda.h>
#include <torch/utils.h>

#ifdef EDDPM_WITH_CUDA
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDACachingAllocator.h>
#endif

namespace eddpm {

c10::Device resolve_device(const std::string& name) {
  if (name == "auto") return torch::cuda::is_available() ? c10::Device("cuda:0") : c10::Device("cpu");
  if (name == "cpu") return c10::Device("cpu");
  if (name.rfind("cuda", 0) == 0) {
    if (!torch::cuda::is_available())
      throw std::invalid_argument("CUDA was requested but LibTorch sees no CUDA device");
    return name == "cuda" ? c10::Device("cuda:0") : c10::Device(name);
  }
  throw std::invalid_argument("unknown device '" + name + "' (auto, cpu, cuda, cuda:N)");
}

std::string describe_device(const c10::Device& device) {
  if (device.is_cpu()) return "CPU, " + std::to_string(torch::get_num_threads()) + " threads";
  const int index = device.index() < 0 ? 0 : device.index();
#ifdef EDDPM_WITH_CUDA
  const cudaDeviceProp* props = at::cuda::getDeviceProperties(index);
  char memory[32];
  std::snprintf(memory, sizeof memory, "%.1f GiB", double(props->totalGlobalMem) / (1u << 30));
  return "CUDA " + std::to_string(index) + ": " + props->name + ", " + memory;
#else
  return "CUDA " + std::to_string(index);
#endif
}

double peak_device_memory_mib(const c10::Device& device) {
#ifdef EDDPM_WITH_CUDA
  if (device.is_cuda()) {
    const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(device.index() < 0 ? 0 : device.index());
    return double(stats.allocated_bytes[0].peak) / double(1 << 20);  // [0]: all pools together
  }
#endif
  (void)device;
  return 0.0;
}

int pinned_cpu_threads() {
  const char* threads = std::getenv("EDDPM_THREADS");
  return threads ? std::max(0, std::atoi(threads)) : 0;
}

bool cpu_threads_pinned() { return pinned_cpu_threads() > 0; }

void use_all_cpu_cores() {
  if (cpu_threads_pinned()) {
    torch::set_num_threads(pinned_cpu_threads());
    return;
  }
  const unsigned cores = std::thread::hardware_concurrency();
  if (cores > 0) torch::set_num_threads(int(cores));
}

}  // namespace eddpm
