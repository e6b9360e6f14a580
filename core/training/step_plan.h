#pragma once
// The one place that chooses how a training iteration runs, once per trainer, from the config and
// the device: the plain step (host-driven: Adam and the ramp read on the host), on the CPU with the
// fused mask draw and the mask update on plain arrays where those apply, or the device step (no read
// back to the host, captured in a CUDA graph on CUDA). The trainer and the benchmark's plain DDPM
// loop read this plan; no lower function asks which device it is on to pick an implementation.
#include <string>

#include <c10/core/Device.h>

#include "train_config.h"

namespace eddpm {

struct StepPlan {
  // The whole iteration as tensor operations that never read back to the host
  // (eddpm_device_step.cpp): config step_path device, or auto on CUDA where the step allows it.
  bool device_step = false;
  // Per-example masks drawn by the fused CPU pass (fused_mask_draw.h), not tensor operations.
  bool fused_draw = false;
  // The mask update on plain host arrays (update_mask_on_host), not tensor operations.
  bool host_mask_update = false;

  // For the run's log line: "plain step", "device step" or "device step in a CUDA graph".
  std::string describe(const c10::Device& device) const;
};

StepPlan choose_step_plan(const TrainConfig& config, const c10::Device& device);

}  // namespace eddpm
