#include "graphed_step.h"

#include <exception>
#include <optional>

#include <c10/core/Event.h>
#include <torch/version.h>

#ifdef EDDPM_WITH_CUDA
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#endif

namespace eddpm {

namespace {
constexpr int kEagerCalls = 3;  // before the capture, as PyTorch's own recipe warms up
}  // namespace

struct GraphedStep::Impl {
  c10::Device device{c10::kCPU};
  int calls = 0;
  std::string error;
#ifdef EDDPM_WITH_CUDA
  std::optional<c10::cuda::CUDAStream> side;
  std::unique_ptr<at::cuda::CUDAGraph> graph;

  // One iteration on the side stream, ordered after what the caller queued before it (the batch
  // and this iteration's scalars) and before what the caller queues next.
  void run_on_cuda(const std::function<void()>& work) {
    const c10::cuda::CUDAStream caller = c10::cuda::getCurrentCUDAStream(device.index());
    if (!side) side = c10::cuda::getStreamFromPool(false, device.index());
    c10::Event queued(c10::DeviceType::CUDA);
    queued.record(caller.unwrap());
    queued.block(side->unwrap());
    {
      c10::cuda::CUDAStreamGuard on_side(*side);
      if (calls < kEagerCalls || !error.empty()) {
        work();
      } else {
        if (!graph) capture_or_give_up(work);
        if (graph) graph->replay(); else work();
      }
    }
    c10::Event done(c10::DeviceType::CUDA);
    done.record(side->unwrap());
    done.block(caller.unwrap());
  }

  void capture_or_give_up(const std::function<void()>& work) {
    side->synchronize();
    auto candidate = std::make_unique<at::cuda::CUDAGraph>();
    try {
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 1)
      // capture_begin(pool, mode) exists from LibTorch 2.1.
      // Other threads (the explorer's GUI) may use the GPU meanwhile: only this thread is checked.
      candidate->capture_begin({0, 0}, cudaStreamCaptureModeThreadLocal);
#else
      candidate->capture_begin();
#endif
      try {
        work();
      } catch (...) {
        try { candidate->capture_end(); } catch (...) {}
        throw;
      }
      candidate->capture_end();
      graph = std::move(candidate);
    } catch (const std::exception& e) {
      error = e.what();
      const auto end = error.find('\n');
      if (end != std::string::npos) error.resize(end);
    }
  }
#endif
};

GraphedStep::GraphedStep(const c10::Device& device) : impl_(std::make_unique<Impl>()) {
  impl_->device = device;
}

GraphedStep::~GraphedStep() = default;

void GraphedStep::run(const std::function<void()>& work) {
#ifdef EDDPM_WITH_CUDA
  if (impl_->device.is_cuda()) {
    impl_->run_on_cuda(work);
    ++impl_->calls;
    return;
  }
#endif
  work();
  ++impl_->calls;
}

bool GraphedStep::replaying() const {
#ifdef EDDPM_WITH_CUDA
  return impl_->graph != nullptr;
#else
  return false;
#endif
}

const std::string& GraphedStep::capture_error() const { return impl_->error; }

}  // namespace eddpm
