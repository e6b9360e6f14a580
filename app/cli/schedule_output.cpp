#include "schedule_output.h"

#include "cli_app.h"

namespace eddpm::cli {

void write_schedule(const ScheduleFile& file, const std::string& path) {
  const auto ends_with = [&](const std::string& suffix) {
    return path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends_with(".json")) return save_schedule_json(file, path);
  if (ends_with(".csv")) return save_schedule_csv(file, path);
  throw UsageError("--out must end in .json or .csv");
}

}  // namespace eddpm::cli
