#include "cli_app.h"
#include "openmp_waiting.h"

int main(int argc, char** argv) {
  eddpm::restart_with_short_openmp_spins(argv);
  return eddpm::cli::run(argc, argv);
}
