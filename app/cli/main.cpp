#include "cli_app.h"
#include "openmp_waiting.h"

namespace {
// The commands that compute on every core restart with short OpenMP spins (openmp_waiting.h); the
// others (schedule, --help, a mistyped command) start once: the restart costs a second start of
// the dynamic loader over LibTorch (docs/BENCHMARKS.md, "Other programs on the same cores").
EDDPM_NOT_SANITIZED bool same(const char* a, const char* b) {
  for (; *a && *a == *b; ++a, ++b) {
  }
  return *a == *b;
}

EDDPM_NOT_SANITIZED void restart_if_computing(int argc, char** argv, char** envp) {
  static const char* const kComputing[] = {"train", "sample", "compare", "bench"};
  for (int i = 1; i < argc; ++i) {
    if (argv[i][0] == '-') continue;
    for (const char* command : kComputing)
      if (same(argv[i], command)) eddpm::restart_with_short_openmp_spins(argc, argv, envp);
    return;  // the first word that is not an option is the command
  }
}
}  // namespace

EDDPM_RUN_BEFORE_LIBRARIES_START(restart_if_computing);

int main(int argc, char** argv) { return eddpm::cli::run(argc, argv); }
