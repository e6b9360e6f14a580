#pragma once
// What makes a folder "a run", and the one rule for writing a new run into it: a folder that
// already holds a run is continued (--resume) or replaced on request (--overwrite), never
// silently truncated. No LibTorch here: the explorer's GUI code asks the same question.
#include <filesystem>
#include <stdexcept>

namespace eddpm {

// Thrown when a new run would be written into a folder that holds one. A usage error: the caller
// chose the folder.
struct RunFolderInUse : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// True where `dir` holds a run's checkpoint or metrics log.
bool holds_run(const std::filesystem::path& dir);

// How a run uses its folder: a new run (refused where a run is), a new run replacing the one there
// (--overwrite), or the folder's own run continued from its checkpoint (--resume).
enum class RunFolderMode { new_run, overwrite, resume };

// Throws RunFolderInUse naming `dir`, --resume and --overwrite when a new run may not be written
// there; returns otherwise.
void check_run_folder(const std::filesystem::path& dir, RunFolderMode mode);

}  // namespace eddpm
