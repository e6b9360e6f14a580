#pragma once
// Runs the device work of one training iteration. On CUDA (LibTorch built with it) the first calls
// run it eagerly on a side stream so its allocations and lazy set-up settle, the next one captures
// it in a CUDA graph, and every later call replays that graph: one launch instead of hundreds of
// small kernels. Elsewhere, and once a capture has failed, it simply runs the work.
// The work must not read the device from the host, and must read and write the same tensors on
// every call (inputs copied into fixed buffers, state updated in place).
#include <functional>
#include <memory>
#include <string>

#include <c10/core/Device.h>

namespace eddpm {

class GraphedStep {
 public:
  explicit GraphedStep(const c10::Device& device);
  ~GraphedStep();
  GraphedStep(const GraphedStep&) = delete;
  GraphedStep& operator=(const GraphedStep&) = delete;

  void run(const std::function<void()>& work);
  bool replaying() const;
  // Why the capture was given up, or empty.
  const std::string& capture_error() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace eddpm
