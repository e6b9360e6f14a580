#pragma once
// glibc's malloc gives the top of its heap back to the kernel whenever more than a trim threshold
// lies free there, and serves blocks above its mmap threshold from fresh mappings. A training step
// allocates and frees the same few megabytes of tensors every iteration, so with the defaults
// each iteration faults those pages in again (about 1,000 page faults an iteration for the default
// 2-D EDDPM step, a sixth of its time: docs/BENCHMARKS.md).
namespace eddpm {

// Once per process, before training: blocks up to 32 MiB come from the heap and up to 64 MiB of
// free heap stays mapped between iterations. No effect where the C library is not glibc.
void keep_freed_memory_mapped();

}  // namespace eddpm
