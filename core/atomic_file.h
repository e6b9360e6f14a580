#pragma once
// Every file the product writes goes to a temporary name in the same folder and is renamed over
// the target, so a crash at any moment leaves the last good file intact.
#include <filesystem>
#include <functional>
#include <string>

namespace eddpm {

// Calls write(temporary_path), then renames it to `path`. On any exception the temporary file is
// removed and the exception propagates; `path` is untouched.
void write_atomically(const std::filesystem::path& path,
                      const std::function<void(const std::filesystem::path&)>& write);

void write_text_atomically(const std::filesystem::path& path, const std::string& text);

// Removes the temporary files that writers killed mid-write left in `folder` (".NAME.tmp-PID-N"
// whose process PID is gone); returns how many. Files of live processes are kept.
int remove_stale_temporaries(const std::filesystem::path& folder);

// The whole file as a string; throws std::runtime_error naming the path if it cannot be read.
std::string read_text_file(const std::filesystem::path& path, size_t max_bytes = 256u << 20);

}  // namespace eddpm
