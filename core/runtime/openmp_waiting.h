#pragma once
// How long LibTorch's OpenMP threads spin before they sleep. libgomp's threads spin up to 300,000
// rounds at every barrier (GOMP_SPINCOUNT, read once when the library loads). With another
// program on one of the cores, a spinning thread takes the time slice the thread it waits for
// needs: the EDDPM step fell to 26% of its idle speed, two trainings side by side to a third
// each. 3,000 rounds kept the idle speed and gave 45% loaded, 60% side by side; 1,000 gave more
// under load but cost a quarter of the idle speed (docs/BENCHMARKS.md, "Other programs on the same
// cores"). Training also drops to one thread while that runs faster (adaptive_cpu_threads.h).
// No LibTorch here, nor anything that needs the C library started.
// Code that runs before the sanitizers' runtimes start must not be instrumented.
#define EDDPM_NOT_SANITIZED __attribute__((no_sanitize("address", "undefined", "thread")))

namespace eddpm {

// Where neither GOMP_SPINCOUNT nor OMP_WAIT_POLICY is set: starts this program again in place (same
// PID, same arguments) with GOMP_SPINCOUNT=3000. Returns only where nothing was to do or the
// restart failed (then training spins as libgomp's default has it). A program runs it from its
// .preinit_array (EDDPM_RUN_BEFORE_LIBRARIES_START below): before any shared library starts,
// so libgomp has not read its environment yet and LibTorch's start-up (registering its operators,
// most of a start's time) is not paid twice. It uses no allocation and no getenv for that reason.
// Under a debugger or valgrind, set GOMP_SPINCOUNT yourself: the restart would leave them behind.
void restart_with_short_openmp_spins(int argc, char** argv, char** envp);

}  // namespace eddpm

// In a program's main.cpp, at file scope: runs `function` (taking argc, argv, envp) before any
// library's initialization.
#define EDDPM_RUN_BEFORE_LIBRARIES_START(function) \
  __attribute__((section(".preinit_array"), used)) static void (*const eddpm_preinit_entry)(int, char**, char**) = &(function)
