#include "pretrained_start.h"

#include <filesystem>

namespace eddpm {

bool is_torchscript_file(const std::string& path) {
  for (const std::string ext : {".ts", ".jit", ".torchscript"})
    if (path.size() > ext.size() && path.compare(path.size() - ext.size(), ext.size(), ext) == 0) return true;
  return false;
}

void apply_start_from(TrainConfig& c, const std::string& from, const ChosenSettings& chosen) {
  if (from.empty()) return;
  if (is_torchscript_file(from)) {
    c.model = "torchscript";
    c.model_file = std::filesystem::absolute(from).string();
    c.freeze_model = true;
  }
  if (!chosen.warmup) c.warmup = 0;
  if (!c.freeze_model) return;
  if (!chosen.semantics) c.semantics = Semantics::Jump;
  if (!chosen.reward) c.reward = Reward::Data;
}

}  // namespace eddpm
