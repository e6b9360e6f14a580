#pragma once
// How long LibTorch's OpenMP threads spin before they sleep. libgomp's threads spin up to 300,000
// rounds at every barrier (GOMP_SPINCOUNT, read once when the library loads). With another
// program on one of the cores, a spinning thread takes the time slice the thread it waits for
// needs: the EDDPM step fell to 26% of its idle speed, two trainings side by side to a third
// each. 3,000 rounds kept the idle speed and gave 45% loaded, 60% side by side; 1,000 gave more
// under load but cost a quarter of the idle speed (docs/BENCHMARKS.md, "Other programs on the same
// cores"). Training also drops to one thread while that runs faster (adaptive_cpu_threads.h).
// No LibTorch here: it runs before anything else in main.
namespace eddpm {

// The spin count the programs start with where the environment names none.
constexpr const char* kOpenMpSpinCount = "3000";

// Where neither GOMP_SPINCOUNT nor OMP_WAIT_POLICY is set: sets GOMP_SPINCOUNT and starts this
// program again in place (same PID, same arguments), since libgomp has read its environment before
// main. Returns only where nothing was to do or the restart failed (then training spins as before).
// Under a debugger or valgrind, set GOMP_SPINCOUNT yourself: the restart would leave them behind.
void restart_with_short_openmp_spins(char** argv);

}  // namespace eddpm
