#include "schedule_factory.h"

#include <algorithm>
#include <stdexcept>

#include <torch/torch.h>

#include "elbo_dp_schedule.h"
#include "learned_schedule.h"

namespace eddpm {

const std::vector<ScheduleKind>& handcrafted_kinds() {
  static const std::vector<ScheduleKind> kinds = {ScheduleKind::Uniform,  ScheduleKind::Trailing, ScheduleKind::Linspace,
                                                  ScheduleKind::Quadratic, ScheduleKind::LogSnr,  ScheduleKind::Karras,
                                                  ScheduleKind::KlOptimal, ScheduleKind::Beta,    ScheduleKind::ElboDp};
  return kinds;
}

std::vector<int> make_schedule(ScheduleKind kind, int K, const TrainedModel& run, at::Generator& gen) {
  const NoiseSchedule& noise = run.noise;
  if (K < 1 || K > noise.T()) throw std::invalid_argument("K must be in [1, T]");
  switch (kind) {
    case ScheduleKind::Learned:
      return top_k_timesteps(run.mask, K);
    case ScheduleKind::ElboDp:
      return elbo_dp_schedule(run, K, gen, 0.0);
    case ScheduleKind::Manual:
      throw std::invalid_argument("a manual schedule needs its timesteps");
    case ScheduleKind::Gits:
    case ScheduleKind::Dmn:
    case ScheduleKind::Ays:
    case ScheduleKind::Ld3:
      throw std::invalid_argument(to_string(kind) + " is a search for a solver: write its steps with eddpm schedule --kind " +
                                  to_string(kind) + " --checkpoint M --solver S, then use that file");
    default:
      return handcrafted_schedule(kind, K, noise);
  }
}

}  // namespace eddpm
