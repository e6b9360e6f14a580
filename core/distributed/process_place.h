#pragma once
// Where this process stands in a multi-process run: the variables torchrun sets (RANK, WORLD_SIZE,
// LOCAL_RANK, MASTER_ADDR, MASTER_PORT), read with the same names so that `torchrun ... eddpm train`
// and `eddpm train --nproc N` start the same thing. Plain C++: the launcher reads it before any
// LibTorch work.
#include <functional>
#include <string>
#include <vector>

namespace eddpm {

struct ProcessPlace {
  int rank = 0;        // 0 .. world_size - 1; rank 0 writes the run folder
  int world_size = 1;  // 1: a plain single-process run, no process group
  int local_rank = 0;  // the rank on this machine: which GPU it takes
  std::string master_addr = "127.0.0.1";  // where rank 0's store listens
  int master_port = 29500;                // torchrun's default
  bool distributed() const { return world_size > 1; }
};

// Reads the variables through `lookup` (std::getenv in a program; a map in tests). Without
// WORLD_SIZE, or with 1, a single process. Throws std::invalid_argument naming the variable that
// is not a number or out of range (a RANK at or past WORLD_SIZE, a port outside 1..65535).
ProcessPlace process_place_from(const std::function<const char*(const char*)>& lookup);
ProcessPlace process_place_from_environment();

// The variables that put a child process at `place` (launcher side): "NAME=value" each.
std::vector<std::string> process_place_variables(const ProcessPlace& place);

}  // namespace eddpm
