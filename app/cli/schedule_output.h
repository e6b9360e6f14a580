#pragma once
#include <string>

#include "schedule_file.h"

namespace eddpm::cli {

// JSON for .json, CSV for .csv; anything else is a usage error.
void write_schedule(const ScheduleFile& file, const std::string& path);

}  // namespace eddpm::cli
