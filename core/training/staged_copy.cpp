#include "staged_copy.h"

#include <algorithm>
#include <optional>
#include <thread>

#include <c10/core/impl/VirtualGuardImpl.h>

namespace eddpm {

struct StagedCopy::Slot {
  torch::Tensor buffer;  // pinned host memory
  std::optional<c10::Event> copied;  // recorded behind the last copy out of `buffer`
};

StagedCopy::StagedCopy(int depth) : slots_(size_t(std::max(1, depth))) {}
StagedCopy::~StagedCopy() = default;

void StagedCopy::copy(const torch::Tensor& host, torch::Tensor& target) {
  if (target.device().is_cpu()) {
    target.copy_(host);
    return;
  }
  Slot& slot = slots_[next_];
  next_ = (next_ + 1) % slots_.size();
  // Wait until the device has read this buffer (LibTorch 1.13's Event has query() but no
  // synchronize(); two iterations back the copy has long ended, so this loop does not turn).
  while (slot.copied && !slot.copied->query()) std::this_thread::yield();
  if (!slot.buffer.defined() || slot.buffer.sizes() != host.sizes() || slot.buffer.dtype() != host.dtype())
    slot.buffer = torch::empty(host.sizes(), host.options().device(torch::kCPU).pinned_memory(true));
  slot.buffer.copy_(host);
  target.copy_(slot.buffer, /*non_blocking=*/true);
  const c10::impl::VirtualGuardImpl guard(target.device().type());
  if (!slot.copied) slot.copied.emplace(target.device().type());
  slot.copied->record(guard.getStream(target.device()));
}

}  // namespace eddpm
