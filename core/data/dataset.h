#pragma once
// What the trainer and the meters draw data from: 2-D point sets, images or windows of time
// series, one interface. Examples are float32 CPU tensors; images are (C, H, W) scaled to [-1, 1];
// windows are (series, L), standardized, NaN where the data has no value.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <ATen/core/Generator.h>
#include <torch/types.h>

namespace eddpm {

struct TrainConfig;

class Dataset {
 public:
  virtual ~Dataset() = default;
  // The --data spelling: "moons", "mnist", "folder:PATH", "weather", "csv:PATH".
  virtual std::string name() const = 0;
  // Shape of one example: {2} for points, {C, H, W} for images, {series, L} for windows.
  virtual std::vector<int64_t> sample_shape() const = 0;
  // n training examples (with replacement for finite sets), (n, ...) float32 on the CPU.
  virtual torch::Tensor sample(int64_t n, at::Generator& gen) const = 0;
  // n examples never trained on, for measuring: fresh draws for generated sets, the held-out
  // split for finite ones (without replacement while it lasts).
  virtual torch::Tensor held_out(int64_t n, at::Generator& gen) const = 0;
  // Examples a training epoch holds (0: an endless generator).
  virtual int64_t train_size() const { return 0; }

  bool is_image() const { return sample_shape().size() == 3; }
  bool is_series() const { return sample_shape().size() == 2; }
};

using DatasetPtr = std::shared_ptr<const Dataset>;

// The draws of the finite sets: n rows of `examples` with replacement (training), and n rows
// without replacement while they last, then with (held out: each scored example counts once).
torch::Tensor draw_examples(const torch::Tensor& examples, int64_t n, at::Generator& gen);
torch::Tensor draw_held_out(const torch::Tensor& examples, int64_t n, at::Generator& gen);

// The data set a config names (data, size, channels, window, time_column). Throws
// std::invalid_argument with the reason (unknown name, missing MNIST or weather files, empty folder,
// a CSV that is not a table of series). `notes` hears what the user should
// know but that does not stop the run (files of a folder that are not readable images).
DatasetPtr make_dataset(const TrainConfig& config, const std::function<void(const std::string&)>& notes = {});

}  // namespace eddpm
