#pragma once
// The progress line of a search on stderr: a bar, the percentage, what it is doing, time left.
// Redrawn in place on a terminal; a line at each tenth otherwise (logs, pipes).
#include <chrono>
#include <string>

namespace eddpm::cli {

class SearchProgressLine {
 public:
  // `label` heads the line ("gits"); quiet prints nothing.
  SearchProgressLine(std::string label, bool quiet);
  void update(double fraction, const std::string& note);
  // Ends the line with the seconds taken.
  void finish(double seconds);

 private:
  std::string label_;
  bool quiet_, tty_;
  int last_tenth_ = -1;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace eddpm::cli
