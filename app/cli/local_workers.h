#pragma once
// `eddpm train --nproc N`: the N workers of one data-parallel run on this machine, started the way
// torchrun starts them: copies of this program with this command line, each with RANK, WORLD_SIZE,
// LOCAL_RANK, MASTER_ADDR and MASTER_PORT (process_place.h) and its share of the cores. A process
// that already has those variables is a worker itself and never starts more.

namespace eddpm::cli {

// Starts the workers and waits for all of them. The first to fail stops the others (SIGTERM) and is
// named in one line; its exit code is the result. Ctrl+C reaches every worker.
int run_local_workers(int nproc);

}  // namespace eddpm::cli
