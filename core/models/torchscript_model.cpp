#include "torchscript_model.h"

#include <stdexcept>

namespace eddpm {

namespace {
std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }
}  // namespace

std::string torchscript_warning(const std::filesystem::path& path) {
  return "Loading TorchScript model " + path.string() +
         ": TorchScript files run the code they contain; load only files you trust.";
}

TorchScriptModel::TorchScriptModel(const std::filesystem::path& path, std::vector<int64_t> sample_shape, int T,
                                   const c10::Device& device, const std::string& prediction,
                                   const std::vector<double>& alpha_bars)
    : sample_shape_(std::move(sample_shape)), prediction_(prediction) {
  const std::string where = path.string() + ": ";
  if (prediction_ != "eps" && prediction_ != "x0" && prediction_ != "v")
    throw std::invalid_argument("prediction '" + prediction_ + "' is not eps, x0 or v");
  if (prediction_ != "eps") {
    if (int(alpha_bars.size()) != T) throw std::invalid_argument("a " + prediction_ + " model needs abar_t for every t");
    alpha_bars_ = torch::tensor(alpha_bars, torch::kFloat64).to(torch::kFloat32).to(device);
  }
  try {
    module_ = torch::jit::load(path.string(), device);
  } catch (const c10::Error& e) {
    throw std::invalid_argument(where + "not a TorchScript model (" + first_line(e.what_without_backtrace()) + ")");
  }
  module_.eval();
  std::vector<int64_t> batch_shape = sample_shape_;
  batch_shape.insert(batch_shape.begin(), 2);
  const torch::Tensor x = torch::zeros(batch_shape, torch::TensorOptions().device(device));
  const torch::Tensor t = torch::tensor({int64_t(0), int64_t(T - 1)}, torch::kLong).to(device);
  torch::Tensor out;
  try {
    torch::NoGradGuard no_grad;
    const c10::IValue result = module_.forward({x, t});
    if (!result.isTensor()) throw std::invalid_argument(where + "forward(x, t) must return one tensor");
    out = result.toTensor();
  } catch (const c10::Error& e) {
    throw std::invalid_argument(where + "forward(x, t) fails on x " + c10::str(x.sizes()) + " float32, t (2) int64: " +
                                first_line(e.what_without_backtrace()));
  } catch (const std::runtime_error& e) {
    throw std::invalid_argument(where + "forward(x, t) fails on x " + c10::str(x.sizes()) + ": " + first_line(e.what()));
  }
  if (out.sizes() != x.sizes())
    throw std::invalid_argument(where + "forward(x, t) returned " + c10::str(out.sizes()) + ", expected " +
                                c10::str(x.sizes()) + " (eps shaped as x)");
}

torch::Tensor TorchScriptModel::forward(const torch::Tensor& x, const torch::Tensor& t) {
  const torch::Tensor out = module_.forward({x, t}).toTensor();
  if (prediction_ == "eps") return out;
  // abar_t per example, broadcast over the example's dimensions.
  std::vector<int64_t> shape(x.dim(), 1);
  shape[0] = x.size(0);
  const torch::Tensor a = alpha_bars_.index_select(0, t).to(x.scalar_type()).view(shape);
  if (prediction_ == "x0") return (x - a.sqrt() * out) / (1 - a).sqrt();  // x = sqrt(a) x0 + sqrt(1-a) eps
  return a.sqrt() * out + (1 - a).sqrt() * x;  // v = sqrt(a) eps - sqrt(1-a) x0
}

}  // namespace eddpm
