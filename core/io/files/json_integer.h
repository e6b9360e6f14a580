#pragma once
// Whether a JSON value is an integer that fits T. Files from elsewhere may hold floats, strings or
// huge numbers where an integer belongs; converting those is a type error or undefined behaviour.
#include <cstdint>
#include <limits>

#include <nlohmann/json.hpp>

namespace eddpm {

template <typename T>
bool is_integer_in_range(const nlohmann::json& value) {
  if (!value.is_number_integer()) return false;
  if (value.is_number_unsigned()) return value.get<uint64_t>() <= uint64_t(std::numeric_limits<T>::max());
  const int64_t v = value.get<int64_t>();
  return v >= int64_t(std::numeric_limits<T>::min()) && v <= int64_t(std::numeric_limits<T>::max());
}

}  // namespace eddpm
