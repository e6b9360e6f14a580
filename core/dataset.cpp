#include "dataset.h"

#include "image_folder.h"
#include "mnist_files.h"
#include "toy_data.h"
#include "train_config.h"

namespace eddpm {

DatasetPtr make_dataset(const TrainConfig& config) {
  const std::string& data = config.data;
  if (const auto mnist_dir = mnist_dir_of(data))
    return load_mnist_dataset(*mnist_dir, config.image_size(), config.image_channels());
  if (data.rfind("folder:", 0) == 0)
    return load_image_folder(data.substr(7), config.image_size(), config.image_channels()).dataset;
  return std::make_shared<ToyDistribution>(data);
}

}  // namespace eddpm
