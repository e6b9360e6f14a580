#pragma once
// The default 2-D model, also the benchmark model: keep its shape exactly.
// temb = 128-d sinusoidal embedding; h = SiLU(Linear(2,256)(x) + Linear(128,256)(temb));
// three times h = SiLU(Linear(256,256)(h)); eps = Linear(256,2)(h).
#include <torch/nn/modules/linear.h>

#include "eps_model.h"

namespace eddpm {

class MlpDenoiser : public EpsModel {
 public:
  static constexpr int64_t kEmbedding = 128;
  static constexpr int64_t kHidden = 256;

  explicit MlpDenoiser(int64_t data_dim = 2);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& t) override;
  std::string preset() const override { return "mlp"; }
  std::vector<int64_t> sample_shape() const override { return {data_dim_}; }

 private:
  int64_t data_dim_;
  torch::nn::Linear in_x_{nullptr}, in_t_{nullptr}, h1_{nullptr}, h2_{nullptr}, h3_{nullptr},
      out_{nullptr};
};

}  // namespace eddpm
