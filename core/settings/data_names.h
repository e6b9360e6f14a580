#pragma once
// The --data spellings, without loading anything: which names a run may give (the data set itself
// is make_dataset's, dataset.h).
#include <string>
#include <vector>

namespace eddpm {

// The built-in 2-D sets: moons, swissroll, 8gaussians, checkerboard, rings.
const std::vector<std::string>& toy_dataset_names();
bool is_toy_dataset(const std::string& name);

// Whether `data` is a --data spelling: a 2-D set, "mnist", "mnist:DIR", "folder:PATH" (a
// non-empty DIR or PATH), or time series: "weather", "csv:PATH". Whether the files are there is make_dataset's question.
bool is_data_name(const std::string& data);
// The time series: "weather" (built in) or "csv:PATH" (non-empty PATH).
bool is_series_data(const std::string& data);
// Those spellings, for messages: "moons, swissroll, ..., mnist, mnist:DIR, folder:PATH".
std::string data_names_help();

}  // namespace eddpm
