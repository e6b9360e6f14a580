#include "dataset.h"

#include <filesystem>

#include <torch/torch.h>

#include "image_folder.h"
#include "mnist_files.h"
#include "series_dataset.h"
#include "toy_data.h"
#include "train_config.h"

namespace eddpm {

torch::Tensor draw_examples(const torch::Tensor& examples, int64_t n, at::Generator& gen) {
  return examples.index_select(0, torch::randint(examples.size(0), {n}, gen, torch::kLong));
}

torch::Tensor draw_held_out(const torch::Tensor& examples, int64_t n, at::Generator& gen) {
  const int64_t size = examples.size(0);
  const torch::Tensor index = n <= size ? torch::randperm(size, gen, torch::kLong).slice(0, 0, n)
                                        : torch::randint(size, {n}, gen, torch::kLong);
  return examples.index_select(0, index);
}

DatasetPtr make_dataset(const TrainConfig& config, const std::function<void(const std::string&)>& notes) {
  const std::string& data = config.data;
  if (const auto mnist_dir = mnist_dir_of(data))
    return load_mnist_dataset(*mnist_dir, config.image_size(), config.image_channels());
  if (data.rfind("folder:", 0) == 0) {
    const FolderScan scan = load_image_folder(data.substr(7), config.image_size(), config.image_channels());
    if (!scan.skipped.empty() && notes)
      notes("skipped " + std::to_string(scan.skipped.size()) + " file(s) that are not readable images, e.g. " +
            scan.skipped.front());
    return scan.dataset;
  }
  if (data == "weather") {
    const std::filesystem::path file = default_weather_csv();
    if (!std::filesystem::exists(file))
      throw std::invalid_argument("the weather series are not in " + file.string() +
                                  " (scripts/fetch-weather fetches them once)");
    return std::make_shared<SeriesDataset>(data, read_series_csv(file, config.time_column), config.window);
  }
  if (data.rfind("csv:", 0) == 0)
    return std::make_shared<SeriesDataset>(data, read_series_csv(data.substr(4), config.time_column), config.window);
  return std::make_shared<ToyDistribution>(data);
}

}  // namespace eddpm
