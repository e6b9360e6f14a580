#pragma once
// Every file the product writes goes to a temporary name in the same folder and is renamed over
// the target, so a crash at any moment leaves the last good file intact. As SQLite and LevelDB do,
// the file is synced before the rename and its folder after it, so a power cut cannot leave the
// new name pointing at data that never reached the disk (an empty checkpoint).
// No LibTorch here: the explorer's GUI code saves the same way.
#include <filesystem>
#include <functional>
#include <string>

namespace eddpm {

// Calls write(temporary_path), syncs it, renames it to `path` and syncs the folder. On any exception
// the temporary file is removed and the exception propagates; `path` is untouched.
void write_atomically(const std::filesystem::path& path,
                      const std::function<void(const std::filesystem::path&)>& write);

// fsync(2) of a file's data (any descriptor of the file flushes it) and of a folder's entries;
// throw std::runtime_error naming the path when the system reports a failure.
void sync_file(const std::filesystem::path& path);
void sync_folder(const std::filesystem::path& folder);

void write_text_atomically(const std::filesystem::path& path, const std::string& text);

// Removes the temporary files that writers killed mid-write left in `folder` (".NAME.tmp-PID-N"
// whose process PID is gone); returns how many. Files of live processes are kept.
int remove_stale_temporaries(const std::filesystem::path& folder);

// The whole file as a string; throws std::runtime_error naming the path if it cannot be read.
std::string read_text_file(const std::filesystem::path& path, size_t max_bytes = 256u << 20);

}  // namespace eddpm
