#pragma once
// SHA-256 (FIPS 180-4) of a file's bytes, as lowercase hex: how a schedule file names the checkpoint
// it was made for. No LibTorch, no crypto library: the digest only identifies, it does not protect.
#include <filesystem>
#include <string>
#include <string_view>

namespace eddpm {

std::string sha256_hex(std::string_view bytes);
// Reads the file in blocks; throws std::runtime_error naming the file when it cannot be read.
std::string sha256_file(const std::filesystem::path& path);

}  // namespace eddpm
