#include "compute_device.h"

#include <stdexcept>
#include <thread>

#include <torch/cuda.h>
#include <torch/utils.h>

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
  return "CUDA " + std::to_string(device.index() < 0 ? 0 : device.index());
}

void use_all_cpu_cores() {
  const unsigned cores = std::thread::hardware_concurrency();
  if (cores > 0) torch::set_num_threads(int(cores));
}

}  // namespace eddpm
