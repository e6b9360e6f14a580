#include "openmp_waiting.h"

#include <cstdlib>

#include <unistd.h>

namespace eddpm {

void restart_with_short_openmp_spins(char** argv) {
  // A user's or a launcher's own choice stands; after the restart GOMP_SPINCOUNT is set, so this
  // happens once.
  if (std::getenv("GOMP_SPINCOUNT") || std::getenv("OMP_WAIT_POLICY")) return;
  if (::setenv("GOMP_SPINCOUNT", kOpenMpSpinCount, 1) != 0) return;
  ::execv("/proc/self/exe", argv);
  ::unsetenv("GOMP_SPINCOUNT");  // the restart failed: carry on as started, saying nothing
}

}  // namespace eddpm
