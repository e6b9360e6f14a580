#include "cli_app.h"

#include <iostream>

#include <CLI/CLI.hpp>

#include "compute_device.h"
#include "heap_tuning.h"

namespace eddpm::cli {

namespace {
std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }
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
  add_bench_command(app, action);
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
