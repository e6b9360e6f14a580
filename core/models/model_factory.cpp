#include "model_factory.h"

#include <stdexcept>

#include "csdi_net.h"
#include "mlp_denoiser.h"
#include "noise_schedule.h"
#include "torchscript_model.h"
#include "unet.h"

namespace eddpm {

std::shared_ptr<EpsModel> make_model(const TrainConfig& config, const std::vector<int64_t>& sample_shape,
                                     const c10::Device& device) {
  std::shared_ptr<EpsModel> model;
  if (config.model == "mlp") {
    if (sample_shape.size() != 1) throw std::invalid_argument("the mlp model is for 2-D data");
    model = std::make_shared<MlpDenoiser>(sample_shape[0]);
  } else if (config.model == "tiny" || config.model == "small") {
    model = std::make_shared<UNet>(config.model, sample_shape);
  } else if (config.model == "csdi") {
    if (sample_shape.size() != 2) throw std::invalid_argument("the csdi model is for time series");
    model = std::make_shared<CsdiNet>(sample_shape);
  } else if (config.model == "torchscript") {
    model = std::make_shared<TorchScriptModel>(config.model_file, sample_shape, config.beta.T, device,
                                               config.prediction, NoiseSchedule(config.beta).alpha_bars());
  } else {
    throw std::invalid_argument("unknown model '" + config.model + "' (mlp, tiny, small, csdi, torchscript)");
  }
  model->to(device);
  return model;
}

}  // namespace eddpm
