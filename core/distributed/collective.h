#pragma once
// The few collective operations data-parallel training needs, over PyTorch's own distributed
// engine (c10d, the one DDP and torchrun use): Gloo between CPU processes, NCCL between GPUs where
// LibTorch has it. Every rank must make the same calls in the same order; each call blocks until
// all ranks have made it. A single process (world size 1) has a Collective too, whose calls do
// nothing, so callers never branch on it.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <c10/core/Device.h>
#include <torch/types.h>

#include "process_place.h"

namespace eddpm {

// Which c10d backend carries the collectives: `auto` is NCCL for a CUDA device where this LibTorch
// has it, else Gloo (which moves CUDA tensors through the host).
enum class Backend { Auto, Gloo, Nccl };
Backend backend_from_string(const std::string& name);  // "auto" | "gloo" | "nccl"; std::invalid_argument otherwise
const char* to_string(Backend backend);

class Collective {
 public:
  // World size 1: no process group, every call returns at once.
  Collective();
  ~Collective();
  Collective(const Collective&) = delete;
  Collective& operator=(const Collective&) = delete;

  // Joins the group of `place` (rank 0 hosts the store at master_addr:master_port) over `backend`.
  // Throws std::runtime_error naming the address and the timeout when the other ranks do not come
  // within `timeout`, and where this build has not the backend asked for. A collective that waits
  // longer than `timeout` for a rank (dead or hung) throws too, naming it where the backend says.
  static std::unique_ptr<Collective> join(const ProcessPlace& place, const c10::Device& device,
                                          Backend backend = Backend::Auto,
                                          std::chrono::milliseconds timeout = std::chrono::seconds(60));
  // The backend that join() chose.
  Backend backend() const { return backend_; }

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool distributed() const { return size_ > 1; }

  // Every tensor becomes the mean of its values over the ranks, in place (one all-reduce per dtype).
  void average(const std::vector<torch::Tensor>& tensors);
  // Every tensor becomes rank 0's, in place.
  void broadcast(const std::vector<torch::Tensor>& tensors);
  // The ranks' tensors (the same shape on each) stacked along dim 0 in rank order.
  torch::Tensor gather_rows(const torch::Tensor& tensor);
  // Whether any rank says yes (a stop asked of one rank stops all of them at the same iteration).
  bool any(bool yes);
  class Group;  // the c10d process group behind it (collective.cpp): public for its backends' wrapper

  // Seconds this process has spent inside the calls above: communicating, and waiting for slower ranks.
  double seconds_communicating() const { return seconds_; }

 private:
  // NCCL moves only device tensors: a host tensor goes through the group's device and back.
  torch::Tensor on_group_device(const torch::Tensor& t) const;

  std::unique_ptr<Group> group_;
  int rank_ = 0;
  int size_ = 1;
  c10::Device device_ = c10::Device(c10::kCPU);
  Backend backend_ = Backend::Gloo;
  double seconds_ = 0.0;
};

}  // namespace eddpm
