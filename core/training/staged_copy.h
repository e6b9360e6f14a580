#pragma once
// Host values into a fixed device tensor without stopping the host. A copy from pageable memory
// to a GPU blocks until it is done; this one goes through pinned buffers, two deep, as a
// non-blocking copy on the device's current stream, and refills a buffer only once the event
// recorded behind its previous copy has passed (two iterations back: in practice no wait). The
// device-side order is the stream's: what the caller queues next sees the copied values.
// Threading: one instance per caller thread. On the CPU it is a plain copy.
#include <vector>

#include <c10/core/Event.h>
#include <torch/types.h>

namespace eddpm {

class StagedCopy {
 public:
  explicit StagedCopy(int depth = 2);
  ~StagedCopy();
  StagedCopy(const StagedCopy&) = delete;
  StagedCopy& operator=(const StagedCopy&) = delete;

  // target.copy_(host) for a CPU `host` of target's shape.
  void copy(const torch::Tensor& host, torch::Tensor& target);

 private:
  struct Slot;
  std::vector<Slot> slots_;
  size_t next_ = 0;
};

}  // namespace eddpm
