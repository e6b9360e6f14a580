#include "trained_model.h"

#include "learned_schedule.h"

namespace eddpm {

std::vector<int> TrainedModel::learned_steps() const { return top_k_timesteps(mask, config.steps_kept()); }

}  // namespace eddpm
