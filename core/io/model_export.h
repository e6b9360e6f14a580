#pragma once
// A trained model as a TorchScript file that Python loads with torch.jit.load alone:
// forward(x, t) takes x (B, 2) or (B, C, H, W) float32 and t (B) int64 and returns eps, the same
// arithmetic as the C++ module (tests/test_torchscript_model.cpp holds them equal). Written for the
// 2-D mlp and the U-Nets (their source from UNet::torchscript_source).
#include <filesystem>
#include <string>

#include <torch/script.h>

#include "eps_model.h"

namespace eddpm {

// The TorchScript source of the mlp's forward, over parameters named as the C++ module's with
// '.' written '_' (in_x_weight, ...).
const std::string& mlp_torchscript_source();

// Throws std::invalid_argument naming the preset for any other model (a TorchScript import).
torch::jit::Module torchscript_copy(EpsModel& model);
// Atomic (a temporary name, synced, renamed).
void save_torchscript(EpsModel& model, const std::filesystem::path& path);

}  // namespace eddpm
