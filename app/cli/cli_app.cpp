#include "cli_app.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>

#include "compute_device.h"
#include "heap_tuning.h"

namespace eddpm::cli {

namespace {
std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// CLI11 reads "nan" and "inf" as numbers (a range check compares false with NaN) and "-1" as a
// huge unsigned number: every floating-point option of every command refuses the first two, every
// unsigned one a sign, here in one place.
void refuse_non_finite_numbers(CLI::App& app) {
  const CLI::Validator finite(
      [](std::string& text) -> std::string {
        char* end = nullptr;
        const double value = std::strtod(text.c_str(), &end);
        if (end != text.c_str() && !std::isfinite(value)) return "must be a finite number, not " + text;
        return {};  // anything else is CLI11's to convert or refuse
      },
      "", "finite");
  const CLI::Validator unsigned_number(
      [](std::string& text) -> std::string {
        if (text.find('-') != std::string::npos) return "must not be negative, not " + text;
        errno = 0;
        std::strtoull(text.c_str(), nullptr, 10);
        return errno == ERANGE ? "is too large: " + text : std::string();
      },
      "", "unsigned");
  // CLI11's own message for a negative value prints the largest double as the range's end.
  const CLI::Validator not_negative(
      [](std::string& text) -> std::string {
        return std::strtod(text.c_str(), nullptr) < 0 ? "must not be negative, not " + text : std::string();
      },
      "", "not negative");
  for (CLI::App* command : app.get_subcommands({}))
    for (CLI::Option* option : command->get_options()) {
      if (option->get_type_name().find("NONNEGATIVE") != std::string::npos) option->transform(not_negative);
      // transform(): these run before the option's own range check, whose message for "inf" or a
      // wrapped negative number would be confusing.
      if (option->get_type_name().rfind("FLOAT", 0) == 0) option->transform(finite);
      if (option->get_type_name().rfind("UINT", 0) == 0) option->transform(unsigned_number);
    }
}
}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"EDDPM: learn which denoising steps to keep, and sample with any schedule"};
  app.name("eddpm");
  app.require_subcommand(1, 1);
  Action action;
  add_train_command(app, action);
  add_schedule_command(app, action);
  add_sample_command(app, action);
  add_compare_command(app, action);
  add_export_command(app, action);
  add_bench_command(app, action);
  add_recommend_command(app, action);
  refuse_non_finite_numbers(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "eddpm: error: " << first_line(e.what()) << " (see --help)\n";
    return 2;
  }
  use_all_cpu_cores();
  keep_freed_memory_mapped();
  try {
    return action ? action() : 2;
  } catch (const UsageError& e) {
    std::cerr << "eddpm: error: " << first_line(e.what()) << "\n";
    return 2;
  } catch (const std::invalid_argument& e) {
    std::cerr << "eddpm: error: " << first_line(e.what()) << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "eddpm: error: " << first_line(e.what()) << "\n";
    return 1;
  }
}

}  // namespace eddpm::cli
