// eddpm export: a checkpoint's network as a TorchScript file Python loads with torch.jit.load alone
// (the 2-D mlp and the image U-Nets; docs/EXPORT.md).
#include <filesystem>
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>
#include <torch/torch.h>

#include "checkpoint.h"
#include "cli_app.h"
#include "model_export.h"

namespace eddpm::cli {

namespace {

struct ExportOptions {
  std::string checkpoint, out;
  bool overwrite = false;
};

int run_export(const ExportOptions& o) {
  if (std::filesystem::exists(o.out) && !o.overwrite)
    throw UsageError("--out " + o.out + " exists: pass --overwrite to replace it");
  auto run = load_checkpoint(o.checkpoint, "cpu", [](const std::string& warning) { std::cerr << warning << "\n"; });
  try {
    save_torchscript(*run.model, o.out);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  std::cout << "wrote " << o.out << ": forward(x, t) -> eps, T=" << run.noise.T() << " "
            << to_string(run.noise.spec().kind) << " (torch.jit.load(\"" << o.out << "\"))\n";
  return 0;
}

}  // namespace

void add_export_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<ExportOptions>();
  CLI::App* cmd = app.add_subcommand("export", "write a checkpoint's network as TorchScript (mlp or U-Net)");
  cmd->add_option("--checkpoint", o->checkpoint, "a run's checkpoint.pt")->required()->check(CLI::ExistingFile);
  cmd->add_option("--out", o->out, "MODEL.ts")->required();
  cmd->add_flag("--overwrite", o->overwrite, "replace --out if it exists");
  cmd->callback([o, &action] { action = [o] { return run_export(*o); }; });
}

}  // namespace eddpm::cli
