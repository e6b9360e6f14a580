#include "model_export.h"

#include <algorithm>
#include <stdexcept>

#include "atomic_file.h"
#include "mlp_denoiser.h"
#include "unet.h"

namespace eddpm {

const std::string& mlp_torchscript_source() {
  // timestep_embedding with dim 128: 64 frequencies exp(-ln(10000) i / 64), sines then cosines.
  static const std::string source = R"JIT(
def silu(self, h):
    return h * torch.sigmoid(h)

def forward(self, x, t):
    freqs = torch.exp(-9.210340371976184 * torch.arange(64, device=t.device).float() / 64)
    args = t.float().unsqueeze(1) * freqs.unsqueeze(0)
    temb = torch.cat([torch.sin(args), torch.cos(args)], 1)
    h = self.silu(torch.matmul(x, self.in_x_weight.t()) + self.in_x_bias
                  + torch.matmul(temb, self.in_t_weight.t()) + self.in_t_bias)
    h = self.silu(torch.matmul(h, self.h1_weight.t()) + self.h1_bias)
    h = self.silu(torch.matmul(h, self.h2_weight.t()) + self.h2_bias)
    h = self.silu(torch.matmul(h, self.h3_weight.t()) + self.h3_bias)
    return torch.matmul(h, self.out_weight.t()) + self.out_bias
)JIT";
  return source;
}

torch::jit::Module torchscript_copy(EpsModel& model) {
  const auto* unet = dynamic_cast<const UNet*>(&model);
  if (!unet && !dynamic_cast<MlpDenoiser*>(&model))
    throw std::invalid_argument("the '" + model.preset() + "' model is not written as TorchScript (the mlp and the U-Nets are)");
  torch::jit::Module module(unet ? "EddpmUNet" : "EddpmMlp");
  for (const auto& item : model.named_parameters()) {
    std::string name = item.key();
    std::replace(name.begin(), name.end(), '.', '_');
    module.register_parameter(name, item.value().detach().to(torch::kCPU).clone(), false);
  }
  module.define(unet ? unet->torchscript_source() : mlp_torchscript_source());
  return module;
}

void save_torchscript(EpsModel& model, const std::filesystem::path& path) {
  torch::jit::Module module = torchscript_copy(model);
  write_atomically(path, [&](const std::filesystem::path& tmp) { module.save(tmp.string()); });
}

}  // namespace eddpm
