#include "fd_lenet.h"

#include <functional>
#include <stdexcept>

#include <torch/torch.h>

#include "atomic_file.h"
#include "image_dataset.h"
#include "mnist_files.h"
#include "rng.h"

namespace eddpm {

class LeNetImpl : public torch::nn::Module {
 public:
  static constexpr int64_t kFeatures = 128;

  // Small images (14x14) are pooled once, larger ones twice, so the last maps stay about 7x7.
  explicit LeNetImpl(int64_t size)
      : pools_(size >= 20 ? 2 : 1),
        conv1_(register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 32, 3).padding(1)))),
        conv2_(register_module("conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(32, 64, 3).padding(1)))),
        fc1_(register_module("fc1", torch::nn::Linear(64 * (size >> pools_) * (size >> pools_), kFeatures))),
        fc2_(register_module("fc2", torch::nn::Linear(kFeatures, 10))) {}

  torch::Tensor features(const torch::Tensor& x) {
    torch::Tensor h = torch::relu(conv1_(x));
    if (pools_ == 2) h = torch::max_pool2d(h, 2);
    h = torch::max_pool2d(torch::relu(conv2_(h)), 2);
    return torch::relu(fc1_(h.flatten(1)));
  }
  torch::Tensor forward(const torch::Tensor& x) { return fc2_(torch::dropout(features(x), 0.3, is_training())); }

 private:
  int64_t pools_;
  torch::nn::Conv2d conv1_, conv2_;
  torch::nn::Linear fc1_, fc2_;
};

namespace {
constexpr int64_t kEpochs = 24;
// Bumped whenever the network or its training changes, so an older cache is trained again:
// FD values are only comparable under one classifier.
constexpr int64_t kRecipe = 2;
constexpr int64_t kBatch = 128;
constexpr int64_t kEvalBatch = 500;

torch::Tensor gray_input(const torch::Tensor& images, int64_t size, const c10::Device& device) {
  if (images.dim() != 4 || images.size(2) != size || images.size(3) != size)
    throw std::invalid_argument("FD-LeNet for " + std::to_string(size) + "x" + std::to_string(size) +
                                " images got " + c10::str(images.sizes()));
  return convert_channels(images.to(torch::kFloat32), 1).to(device);
}

torch::Tensor prepared(const torch::Tensor& pixels, int64_t size) {
  return resize_images(pixels_to_model_range(pixels), size);
}

// Applies `fn` to batches of `x` without gradients and concatenates the results on the CPU.
torch::Tensor batched(const torch::Tensor& x, const std::function<torch::Tensor(const torch::Tensor&)>& fn) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> parts;
  for (int64_t start = 0; start < x.size(0); start += kEvalBatch)
    parts.push_back(fn(x.slice(0, start, std::min(x.size(0), start + kEvalBatch))).cpu());
  return torch::cat(parts);
}
}  // namespace

std::filesystem::path fd_lenet_cache_file(const std::filesystem::path& mnist_dir, int64_t size) {
  const std::string name = "fd-lenet-" + std::to_string(size) + ".pt";
  std::error_code error;
  const auto status = std::filesystem::status(mnist_dir, error);
  const bool writable = !error && (status.permissions() & std::filesystem::perms::owner_write) != std::filesystem::perms::none;
  if (writable) return mnist_dir / name;
  return default_data_root() / ("fd-lenet-" + std::to_string(std::hash<std::string>{}(mnist_dir.string())) + "-" +
                                std::to_string(size) + ".pt");
}

FdLenet::FdLenet(const std::filesystem::path& mnist_dir, int64_t size, const c10::Device& device, const Log& log)
    : size_(size), device_(device), net_(nullptr), cache_file_(fd_lenet_cache_file(mnist_dir, size)) {
  {
    const DefaultGeneratorScope initialization(torch::kCPU, 0);  // replaced by the cache or by train()
    net_ = std::make_shared<LeNetImpl>(size);
  }
  if (size < 8) throw std::invalid_argument("FD-LeNet needs images of at least 8x8");
  bool loaded = false;
  if (std::filesystem::exists(cache_file_)) {
    try {
      torch::serialize::InputArchive archive;
      archive.load_from(cache_file_.string());
      net_->load(archive);
      torch::Tensor accuracy, recipe;
      archive.read("accuracy", accuracy);
      accuracy_ = accuracy.item<double>();
      loaded = archive.try_read("recipe", recipe) && recipe.item<int64_t>() == kRecipe;
      if (!loaded && log) log("FD-LeNet cache " + cache_file_.string() + " is from an older recipe: training it again");
    } catch (const c10::Error&) {
      if (log) log("FD-LeNet cache " + cache_file_.string() + " is unreadable: training it again");
    }
  }
  net_->to(device_);
  if (!loaded) train(mnist_dir, log);
  net_->eval();
}

FdLenet::~FdLenet() = default;

void FdLenet::train(const std::filesystem::path& mnist_dir, const Log& log) {
  const MnistSplit train_split = load_mnist_split(mnist_dir, true);
  const MnistSplit test_split = load_mnist_split(mnist_dir, false);
  const torch::Tensor images = prepared(train_split.images, size_).to(device_);
  const torch::Tensor labels = train_split.labels.to(device_);
  if (log) log("Training the FD-LeNet classifier on " + std::to_string(images.size(0)) + " MNIST digits at " +
               std::to_string(size_) + "x" + std::to_string(size_) + " (once; cached in " + cache_file_.string() + ")");
  // Initialization and dropout draw from the default generators: seeded here, put back after.
  const DefaultGeneratorScope defaults(device_, 0);
  net_ = std::make_shared<LeNetImpl>(size_);
  net_->to(device_);
  net_->train();
  torch::optim::Adam optimizer(net_->parameters(), torch::optim::AdamOptions(1e-3));
  at::Generator gen = make_cpu_generator(0);
  const int64_t n = images.size(0);
  for (int64_t epoch = 0; epoch < kEpochs; ++epoch) {
    if (epoch == kEpochs * 2 / 3)  // then settle with a smaller step
      for (auto& group : optimizer.param_groups()) static_cast<torch::optim::AdamOptions&>(group.options()).lr(1e-4);
    const torch::Tensor order = torch::randperm(n, gen, torch::kLong).to(device_);
    for (int64_t start = 0; start < n; start += kBatch) {
      const torch::Tensor index = order.slice(0, start, std::min(n, start + kBatch));
      // Shift the batch by up to 2 pixels (at 28x28; MNIST borders are blank, so rolling is a shift).
      const int64_t reach = std::max<int64_t>(1, 2 * size_ / 28);
      const torch::Tensor shift = torch::randint(-reach, reach + 1, {2}, gen, torch::kLong);
      const torch::Tensor batch =
          images.index_select(0, index).roll({shift[0].item<int64_t>(), shift[1].item<int64_t>()}, {2, 3});
      optimizer.zero_grad();
      torch::nn::functional::cross_entropy(net_->forward(batch), labels.index_select(0, index)).backward();
      optimizer.step();
    }
  }
  net_->eval();
  const torch::Tensor predicted = logits(prepared(test_split.images, size_)).argmax(1);
  accuracy_ = predicted.eq(test_split.labels).to(torch::kFloat64).mean().item<double>();
  if (log) log("FD-LeNet held-out accuracy: " + std::to_string(accuracy_));
  try {
    std::filesystem::create_directories(cache_file_.parent_path());
    write_atomically(cache_file_, [&](const std::filesystem::path& temporary) {
      torch::serialize::OutputArchive archive;
      net_->save(archive);
      archive.write("accuracy", torch::tensor(accuracy_, torch::kFloat64));
      archive.write("recipe", torch::tensor(kRecipe, torch::kLong));
      archive.save_to(temporary.string());
    });
  } catch (const std::exception& e) {
    if (log) log(std::string("could not cache FD-LeNet: ") + e.what());
  }
}

torch::Tensor FdLenet::features(const torch::Tensor& images) const {
  const torch::Tensor x = gray_input(images, size_, device_);
  return batched(x, [this](const torch::Tensor& b) { return net_->features(b); }).to(torch::kFloat64);
}

torch::Tensor FdLenet::logits(const torch::Tensor& images) const {
  const torch::Tensor x = gray_input(images, size_, device_);
  return batched(x, [this](const torch::Tensor& b) { return net_->forward(b); });
}

}  // namespace eddpm
