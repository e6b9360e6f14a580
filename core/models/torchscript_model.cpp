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
                                   const c10::Device& device)
    : sample_shape_(std::move(sample_shape)) {
  const std::string where = path.string() + ": ";
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
  return module_.forward({x, t}).toTensor();
}

}  // namespace eddpm
