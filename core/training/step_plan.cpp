#include "step_plan.h"

namespace eddpm {

StepPlan choose_step_plan(const TrainConfig& config, const c10::Device& device) {
  StepPlan plan;
  plan.device_step = config.step_path == StepPath::Device ||
                     (config.step_path == StepPath::Auto && device.is_cuda() && config.device_step_supported());
  // Both CPU implementations pay only where the host runs the step (docs/BENCHMARKS.md): the fused
  // draw (item 1 with --mask-draw plain) and the array update (bench mask-step, arrays vs tensors).
  const bool host_cpu_step = !plan.device_step && device.is_cpu();
  plan.fused_draw = host_cpu_step && config.fused_mask_draw && config.per_example_masks;
  plan.host_mask_update = host_cpu_step;
  return plan;
}

std::string StepPlan::describe(const c10::Device& device) const {
  if (!device_step) return "plain step";
  return device.is_cuda() ? "device step in a CUDA graph" : "device step";
}

}  // namespace eddpm
