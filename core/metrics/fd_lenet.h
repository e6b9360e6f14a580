#pragma once
// FD-LeNet (spec section 9): a small MNIST classifier the product trains once on the training
// split and caches beside the data; the Frechet distance of its 128-d penultimate features
// measures generated digits against held-out ones.
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include <c10/core/Device.h>
#include <torch/nn/module.h>
#include <torch/types.h>

namespace eddpm {

class LeNetImpl;

class FdLenet {
 public:
  using Log = std::function<void(const std::string&)>;

  // The classifier for MNIST in `mnist_dir` at size x size: loaded from its cache file, else
  // trained (about a minute on two CPU cores) and cached. Throws std::invalid_argument when the
  // MNIST files are missing.
  FdLenet(const std::filesystem::path& mnist_dir, int64_t size, const c10::Device& device, const Log& log = {});
  ~FdLenet();

  // (n, C, S, S) images in [-1, 1] (3 channels are averaged to gray) -> (n, 128) float64 on the CPU.
  torch::Tensor features(const torch::Tensor& images) const;
  // Class scores (n, 10), for the accuracy check.
  torch::Tensor logits(const torch::Tensor& images) const;
  // Accuracy on the held-out split, measured when it was trained.
  double test_accuracy() const { return accuracy_; }
  const std::filesystem::path& cache_file() const { return cache_file_; }

 private:
  void train(const std::filesystem::path& mnist_dir, const Log& log);

  int64_t size_;
  c10::Device device_;
  std::shared_ptr<LeNetImpl> net_;
  double accuracy_ = 0.0;
  std::filesystem::path cache_file_;
};

// Where the classifier for this MNIST folder and size is cached: the folder itself when it can
// be written, else the data cache folder.
std::filesystem::path fd_lenet_cache_file(const std::filesystem::path& mnist_dir, int64_t size);

}  // namespace eddpm
