#include "search_progress.h"

#include <cstdio>
#include <unistd.h>

#include "cli_options.h"

namespace eddpm::cli {

SearchProgressLine::SearchProgressLine(std::string label, bool quiet)
    : label_(std::move(label)), quiet_(quiet), tty_(isatty(STDERR_FILENO)) {}

void SearchProgressLine::update(double fraction, const std::string& note) {
  if (quiet_) return;
  const int tenth = int(10 * fraction);
  if (!tty_ && tenth == last_tenth_) return;
  last_tenth_ = tenth;
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const std::string left = fraction > 0.02 ? ", " + format_duration(elapsed * (1 - fraction) / fraction) + " left" : "";
  constexpr int kWidth = 20;
  const int filled = int(kWidth * std::min(1.0, std::max(0.0, fraction)));
  std::fprintf(stderr, "%s%s [%s%s] %3.0f%% %s%s%s", tty_ ? "\r\033[K" : "", label_.c_str(),
               std::string(filled, '#').c_str(), std::string(kWidth - filled, '.').c_str(), 100 * fraction,
               note.c_str(), left.c_str(), tty_ ? "" : "\n");
  std::fflush(stderr);
}

void SearchProgressLine::finish(double seconds) {
  if (quiet_) return;
  std::fprintf(stderr, "%s%s: searched in %.1f s\n", tty_ ? "\r\033[K" : "", label_.c_str(), seconds);
}

}  // namespace eddpm::cli
