#include "openmp_waiting.h"

#include <cstddef>

#include <unistd.h>

namespace eddpm {

namespace {
// Plain loops, not strncmp: a sanitizer's runtime may not have started either.
EDDPM_NOT_SANITIZED bool names(const char* entry, const char* name) {
  for (; *name; ++name, ++entry)
    if (*entry != *name) return false;
  return *entry == '=';
}
}  // namespace

EDDPM_NOT_SANITIZED void restart_with_short_openmp_spins(int /*argc*/, char** argv, char** envp) {
  // A user's or a launcher's own choice stands; after the restart GOMP_SPINCOUNT is set, so this
  // happens once.
  size_t count = 0;
  for (; envp && envp[count]; ++count)
    if (names(envp[count], "GOMP_SPINCOUNT") || names(envp[count], "OMP_WAIT_POLICY")) return;
  // Static, not allocated: the C library's allocator may not have started yet.
  constexpr size_t kMostEntries = 8192;
  static char* environment[kMostEntries + 2];
  static char spin[] = "GOMP_SPINCOUNT=3000";
  if (count > kMostEntries) return;
  for (size_t i = 0; i < count; ++i) environment[i] = envp[i];
  environment[count] = spin;
  environment[count + 1] = nullptr;
  ::execve("/proc/self/exe", argv, environment);
  // The restart failed: carry on as started (libgomp's own spin count), saying nothing.
}

}  // namespace eddpm
