#include "data_names.h"

#include <algorithm>

namespace eddpm {

const std::vector<std::string>& toy_dataset_names() {
  static const std::vector<std::string> names = {"moons", "swissroll", "8gaussians", "checkerboard", "rings"};
  return names;
}

bool is_toy_dataset(const std::string& name) {
  const auto& names = toy_dataset_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

bool is_data_name(const std::string& data) {
  auto names_path = [&data](const std::string& prefix) {
    return data.size() > prefix.size() && data.compare(0, prefix.size(), prefix) == 0;
  };
  return is_toy_dataset(data) || data == "mnist" || names_path("mnist:") || names_path("folder:") ||
         is_series_data(data);
}

bool is_series_data(const std::string& data) {
  return data == "weather" || (data.size() > 4 && data.compare(0, 4, "csv:") == 0);
}

std::string data_names_help() {
  std::string names;
  for (const std::string& name : toy_dataset_names()) names += name + ", ";
  return names + "mnist, mnist:DIR, folder:PATH, weather, csv:PATH";
}

}  // namespace eddpm
