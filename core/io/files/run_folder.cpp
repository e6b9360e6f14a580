#include "run_folder.h"

namespace eddpm {

namespace fs = std::filesystem;

bool holds_run(const fs::path& dir) {
  std::error_code ec;
  return fs::exists(dir / "checkpoint.pt", ec) || fs::exists(dir / "metrics.jsonl", ec);
}

void check_run_folder(const fs::path& dir, RunFolderMode mode) {
  if (mode != RunFolderMode::new_run || !holds_run(dir)) return;
  throw RunFolderInUse(dir.string() + " already holds a run: continue it with --resume " + dir.string() +
                       ", or replace it with --overwrite");
}

}  // namespace eddpm
