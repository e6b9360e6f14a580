#include "atomic_file.h"

#include <atomic>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace eddpm {

namespace fs = std::filesystem;

namespace {
void sync_path(const fs::path& path, int flags, const char* what) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error(std::string("cannot open ") + what + " " + path.string() + " to sync it: " + std::strerror(errno));
  const int rc = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (rc != 0) throw std::runtime_error("syncing " + path.string() + " failed: " + std::strerror(error));
}
}  // namespace

void sync_file(const fs::path& path) { sync_path(path, O_RDONLY, "file"); }

void sync_folder(const fs::path& folder) { sync_path(folder, O_RDONLY | O_DIRECTORY, "folder"); }

void write_atomically(const fs::path& path, const std::function<void(const fs::path&)>& write) {
  static std::atomic<unsigned> counter{0};
  const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
  const fs::path temporary = folder / ("." + path.filename().string() + ".tmp-" + std::to_string(::getpid()) +
                                       "-" + std::to_string(counter++));
  try {
    write(temporary);
    sync_file(temporary);
    fs::rename(temporary, path);
  } catch (...) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw;
  }
  sync_folder(folder);  // the rename itself reaches the disk
}

void write_text_atomically(const fs::path& path, const std::string& text) {
  write_atomically(path, [&](const fs::path& temporary) {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + path.string());
    out << text;
    out.flush();
    if (!out) throw std::runtime_error("writing " + path.string() + " failed (disk full?)");
  });
}

int remove_stale_temporaries(const fs::path& folder) {
  int removed = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    const std::string name = entry.path().filename().string();
    const size_t mark = name.rfind(".tmp-");
    if (name.empty() || name[0] != '.' || mark == std::string::npos) continue;
    const std::string pid_and_count = name.substr(mark + 5);
    const size_t dash = pid_and_count.find('-');
    if (dash == std::string::npos || dash == 0) continue;
    const std::string pid_text = pid_and_count.substr(0, dash);
    if (pid_text.find_first_not_of("0123456789") != std::string::npos || pid_text.size() > 9) continue;
    const pid_t pid = static_cast<pid_t>(std::stol(pid_text));
    const bool alive = pid == ::getpid() || ::kill(pid, 0) == 0 || errno == EPERM;
    if (!alive && fs::remove(entry.path(), ec)) ++removed;
  }
  return removed;
}

std::string read_text_file(const fs::path& path, size_t max_bytes) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) throw std::runtime_error("cannot read " + path.string() + ": " + ec.message());
  if (size > max_bytes) throw std::runtime_error(path.string() + " is too large (" + std::to_string(size) + " bytes)");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace eddpm
