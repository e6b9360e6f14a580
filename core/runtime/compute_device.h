#pragma once
// Choosing where to compute: "auto" picks CUDA when LibTorch sees a GPU.
#include <string>

#include <c10/core/Device.h>

namespace eddpm {

// "auto" | "cpu" | "cuda" | "cuda:N". Throws std::invalid_argument when CUDA is asked for but absent.
c10::Device resolve_device(const std::string& name);

// "CPU, 2 threads" or "CUDA 0: <name>" for status lines and reports.
std::string describe_device(const c10::Device& device);

// The most memory LibTorch's CUDA allocator has held for tensors on `device` since the process
// started, in MiB; 0 for the CPU or a build without CUDA.
double peak_device_memory_mib(const c10::Device& device);

// LibTorch starts with one intra-op thread on some builds: use every core, or $EDDPM_THREADS
// threads where it is set (a benchmark that pins them, a run sharing the machine).
void use_all_cpu_cores();

// Whether EDDPM_THREADS fixes the thread count (then training does not adapt it either).
bool cpu_threads_pinned();

}  // namespace eddpm
