#pragma once
// Built-in 2-D data sets, generated from a seed and standardized to zero mean and unit variance
// per coordinate (the constants come from a fixed large reference draw, so every run agrees).
#include <string>
#include <vector>

#include <ATen/core/Generator.h>
#include <torch/types.h>

#include "data_names.h"
#include "dataset.h"

namespace eddpm {

class ToyDistribution : public Dataset {
 public:
  // Throws std::invalid_argument for an unknown name, listing the known ones.
  explicit ToyDistribution(const std::string& name);

  std::string name() const override { return name_; }
  std::vector<int64_t> sample_shape() const override { return {2}; }
  // n standardized points, (n, 2) float32 on the CPU.
  torch::Tensor sample(int64_t n, at::Generator& gen) const override;
  torch::Tensor held_out(int64_t n, at::Generator& gen) const override { return sample(n, gen); }

 private:
  torch::Tensor raw_sample(int64_t n, at::Generator& gen) const;

  std::string name_;
  torch::Tensor mean_, std_;
};

}  // namespace eddpm
