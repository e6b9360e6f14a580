#pragma once
// The IDX format of the MNIST files (big-endian magic 0x0000 08 NDIM, then NDIM big-endian uint32
// sizes, then the unsigned bytes). Only the unsigned-byte type MNIST uses.
#include <filesystem>

#include <torch/types.h>

namespace eddpm {

// A uint8 tensor shaped as the file says. Throws std::runtime_error naming what is wrong
// (missing file, other type, sizes that do not match the file's length).
torch::Tensor read_idx(const std::filesystem::path& path);

// Writes a uint8 tensor (any number of dimensions) atomically.
void write_idx(const torch::Tensor& array, const std::filesystem::path& path);

}  // namespace eddpm
