#pragma once
// The noise predictor a config names, freshly initialized (or loaded, for TorchScript).
#include <c10/core/Device.h>

#include "eps_model.h"
#include "train_config.h"

namespace eddpm {

// `sample_shape` is the data's: {2} for points, {C, H, W} for images, {series, L} for windows. Throws
// std::invalid_argument when the model does not fit the data or cannot be loaded.
std::shared_ptr<EpsModel> make_model(const TrainConfig& config, const std::vector<int64_t>& sample_shape,
                                     const c10::Device& device);

}  // namespace eddpm
