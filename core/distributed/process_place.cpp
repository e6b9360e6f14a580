#include "process_place.h"

#include <cerrno>
#include <cstdlib>
#include <stdexcept>

namespace eddpm {

namespace {
int read_int(const std::function<const char*(const char*)>& lookup, const char* name, int fallback, int low, int high) {
  const char* text = lookup(name);
  if (!text || !*text) return fallback;
  char* end = nullptr;
  errno = 0;
  const long value = std::strtol(text, &end, 10);
  if (errno != 0 || *end != '\0' || value < low || value > high)
    throw std::invalid_argument(std::string(name) + "='" + text + "' is not a whole number in [" + std::to_string(low) +
                                ", " + std::to_string(high) + "]");
  return int(value);
}
}  // namespace

ProcessPlace process_place_from(const std::function<const char*(const char*)>& lookup) {
  ProcessPlace place;
  place.world_size = read_int(lookup, "WORLD_SIZE", 1, 1, 1 << 20);
  place.rank = read_int(lookup, "RANK", 0, 0, 1 << 20);
  if (place.rank >= place.world_size)
    throw std::invalid_argument("RANK=" + std::to_string(place.rank) + " is not below WORLD_SIZE=" +
                                std::to_string(place.world_size));
  place.local_rank = read_int(lookup, "LOCAL_RANK", place.rank, 0, 1 << 20);
  place.master_port = read_int(lookup, "MASTER_PORT", place.master_port, 1, 65535);
  if (const char* addr = lookup("MASTER_ADDR"); addr && *addr) place.master_addr = addr;
  return place;
}

ProcessPlace process_place_from_environment() {
  return process_place_from([](const char* name) { return std::getenv(name); });
}

std::vector<std::string> process_place_variables(const ProcessPlace& place) {
  return {"RANK=" + std::to_string(place.rank), "WORLD_SIZE=" + std::to_string(place.world_size),
          "LOCAL_RANK=" + std::to_string(place.local_rank), "MASTER_ADDR=" + place.master_addr,
          "MASTER_PORT=" + std::to_string(place.master_port)};
}

}  // namespace eddpm
