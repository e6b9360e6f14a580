#pragma once
// The headless `eddpm` program: train, schedule, sample, compare, export, bench, recommend.
// Exit codes: 0 done, 1 the work failed (message on stderr), 2 wrong or missing arguments.
#include <functional>
#include <stdexcept>
#include <string>

namespace CLI { class App; }

namespace eddpm::cli {

int run(int argc, char** argv);

// Thrown by commands for a bad argument value found after parsing: exits 2 like a parse error.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Each command adds its subcommand and sets `action` when it is the one chosen.
using Action = std::function<int()>;
void add_train_command(CLI::App& app, Action& action);
void add_schedule_command(CLI::App& app, Action& action);
void add_sample_command(CLI::App& app, Action& action);
void add_compare_command(CLI::App& app, Action& action);
void add_export_command(CLI::App& app, Action& action);
void add_bench_command(CLI::App& app, Action& action);
void add_recommend_command(CLI::App& app, Action& action);

}  // namespace eddpm::cli
