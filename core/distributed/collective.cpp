#include "collective.h"

#include <cstdlib>
#include <map>
#include <stdexcept>
#include <string>

#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#if defined(USE_C10D_GLOO)
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#if defined(USE_C10D_NCCL)
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

namespace eddpm {

// One interface over the backends: ProcessGroupGloo and ProcessGroupNCCL share these calls but,
// from LibTorch 2 on, not a base class that has them all.
class Collective::Group {
 public:
  virtual ~Group() = default;
  virtual void all_reduce_sum(torch::Tensor& t) = 0;
  virtual void broadcast(torch::Tensor& t) = 0;
  virtual std::vector<torch::Tensor> all_gather(const torch::Tensor& t, int size) = 0;
};

namespace {
// The first line of a c10d error (the rest is a C++ backtrace).
std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

template <class ProcessGroup>
class BackendGroup : public Collective::Group {
 public:
  BackendGroup(c10::intrusive_ptr<ProcessGroup> group, std::string who) : group_(std::move(group)), who_(std::move(who)) {}
  void all_reduce_sum(torch::Tensor& t) override {
    std::vector<at::Tensor> one{t};
    finish(group_->allreduce(one), "an all-reduce");
  }
  void broadcast(torch::Tensor& t) override {
    std::vector<at::Tensor> one{t};
    finish(group_->broadcast(one), "a broadcast");
  }
  std::vector<torch::Tensor> all_gather(const torch::Tensor& t, int size) override {
    std::vector<std::vector<at::Tensor>> outputs(1);
    for (int r = 0; r < size; ++r) outputs[0].push_back(torch::empty_like(t));
    std::vector<at::Tensor> inputs{t};
    finish(group_->allgather(outputs, inputs), "an all-gather");
    return outputs[0];
  }

 private:
  // A rank that died or hangs shows here, as a closed connection or a timeout: one line that says
  // which rank saw it and in what, instead of a backtrace.
  template <class Work>
  void finish(const Work& work, const char* what) {
    try {
      work->wait();
    } catch (const std::exception& e) {
      throw std::runtime_error(who_ + ": " + what + " failed, another worker ended or stopped answering (" +
                               first_line(e.what()) + ")");
    }
  }

  c10::intrusive_ptr<ProcessGroup> group_;
  std::string who_;
};

// Adds the seconds of its scope to a total.
class Timed {
 public:
  explicit Timed(double& total) : total_(total), start_(std::chrono::steady_clock::now()) {}
  ~Timed() { total_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }

 private:
  double& total_;
  std::chrono::steady_clock::time_point start_;
};

std::string where(const ProcessPlace& place) {
  return place.master_addr + ":" + std::to_string(place.master_port);
}
}  // namespace

Backend backend_from_string(const std::string& name) {
  if (name == "auto") return Backend::Auto;
  if (name == "gloo") return Backend::Gloo;
  if (name == "nccl") return Backend::Nccl;
  throw std::invalid_argument("unknown backend '" + name + "' (auto, gloo or nccl)");
}

const char* to_string(Backend backend) {
  switch (backend) {
    case Backend::Auto: return "auto";
    case Backend::Gloo: return "gloo";
    case Backend::Nccl: return "nccl";
  }
  return "?";
}

namespace {
constexpr bool kHaveNccl =
#if defined(USE_C10D_NCCL)
    true;
#else
    false;
#endif
}  // namespace

Collective::Collective() = default;
Collective::~Collective() = default;

std::unique_ptr<Collective> Collective::join(const ProcessPlace& place, const c10::Device& device, Backend backend,
                                             std::chrono::milliseconds timeout) {
  auto collective = std::make_unique<Collective>();
  if (!place.distributed()) return collective;
  if (backend == Backend::Auto) backend = device.is_cuda() && kHaveNccl ? Backend::Nccl : Backend::Gloo;
  if (backend == Backend::Nccl && !device.is_cuda())
    throw std::runtime_error("NCCL connects GPUs: train on a CUDA device, or use --dist-backend gloo");
  const std::string rank_text = "rank " + std::to_string(place.rank) + " of " + std::to_string(place.world_size);
  const std::string seconds = std::to_string((timeout.count() + 999) / 1000) + " s";
  c10::intrusive_ptr<c10d::Store> store;
  try {
    c10d::TCPStoreOptions options;
    options.port = uint16_t(place.master_port);
    options.isServer = place.rank == 0;
    options.numWorkers = place.world_size;
    options.waitWorkers = true;
    options.timeout = timeout;
    store = c10::make_intrusive<c10d::TCPStore>(place.master_addr, options);
  } catch (const std::exception& e) {
    throw std::runtime_error(rank_text + ": the process group's store at " + where(place) +
                             (place.rank == 0 ? " could not start or not every rank joined" : " did not answer") +
                             " within " + seconds + " (" + first_line(e.what()) + ")");
  }
  try {
    if (backend == Backend::Nccl) {
#if defined(USE_C10D_NCCL)
      auto options = c10d::ProcessGroupNCCL::Options::create();
      options->timeout = timeout;
      collective->group_ = std::make_unique<BackendGroup<c10d::ProcessGroupNCCL>>(
          c10::make_intrusive<c10d::ProcessGroupNCCL>(store, place.rank, place.world_size, options), rank_text);
#else
      throw std::runtime_error("this build has no NCCL (a CUDA LibTorch and nccl.h): use --dist-backend gloo");
#endif
    } else {
#if defined(USE_C10D_GLOO)
      auto options = c10d::ProcessGroupGloo::Options::create();
      options->timeout = timeout;
      // The interface Gloo listens on: GLOO_SOCKET_IFNAME where set (PyTorch reads it too), the
      // loopback for a run on this machine alone, else the one this host's name resolves to.
      const char* interface = std::getenv("GLOO_SOCKET_IFNAME");
      if (interface && *interface)
        options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(interface));
      else if (place.master_addr == "127.0.0.1" || place.master_addr == "localhost")
        options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
      else
        options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
      collective->group_ = std::make_unique<BackendGroup<c10d::ProcessGroupGloo>>(
          c10::make_intrusive<c10d::ProcessGroupGloo>(store, place.rank, place.world_size, options), rank_text);
#else
      throw std::runtime_error("this build has no Gloo: install libgloo-dev and build again to train across CPU processes");
#endif
    }
  } catch (const std::runtime_error&) {
    throw;
  } catch (const std::exception& e) {
    throw std::runtime_error(rank_text + ": the other workers did not join the process group at " + where(place) +
                             " within " + seconds + " (" + first_line(e.what()) + ")");
  }
  collective->rank_ = place.rank;
  collective->size_ = place.world_size;
  collective->device_ = backend == Backend::Nccl ? device : c10::Device(c10::kCPU);
  collective->backend_ = backend;
  return collective;
}

torch::Tensor Collective::on_group_device(const torch::Tensor& t) const {
  return t.device() == device_ ? t.contiguous() : t.to(device_).contiguous();
}

void Collective::average(const std::vector<torch::Tensor>& tensors) {
  if (!group_ || tensors.empty()) return;
  const Timed timed(seconds_);
  // One all-reduce per dtype over the tensors laid end to end: a call per gradient would cost a
  // round trip each.
  std::map<c10::ScalarType, std::vector<torch::Tensor>> by_type;
  for (const auto& t : tensors) by_type[t.scalar_type()].push_back(t);
  for (auto& [type, group] : by_type) {
    std::vector<torch::Tensor> flat;
    for (const auto& t : group) flat.push_back(t.reshape({-1}));
    torch::Tensor joined = on_group_device(torch::cat(flat));
    group_->all_reduce_sum(joined);
    joined.div_(double(size_));
    int64_t offset = 0;
    for (const auto& t : group) {
      t.copy_(joined.slice(0, offset, offset + t.numel()).view_as(t));
      offset += t.numel();
    }
  }
}

void Collective::broadcast(const std::vector<torch::Tensor>& tensors) {
  if (!group_) return;
  const Timed timed(seconds_);
  for (const auto& t : tensors) {
    torch::Tensor moved = on_group_device(t);
    group_->broadcast(moved);
    if (!moved.is_same(t)) t.copy_(moved);
  }
}

torch::Tensor Collective::gather_rows(const torch::Tensor& tensor) {
  if (!group_) return tensor;
  const Timed timed(seconds_);
  return torch::cat(group_->all_gather(on_group_device(tensor), size_)).to(tensor.device());
}

bool Collective::any(bool yes) {
  if (!group_) return yes;
  const Timed timed(seconds_);
  torch::Tensor count = on_group_device(torch::full({1}, yes ? 1.0f : 0.0f));
  group_->all_reduce_sum(count);
  return count.item<float>() > 0.5f;
}

}  // namespace eddpm
