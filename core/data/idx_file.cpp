#include "idx_file.h"

#include <cstring>
#include <stdexcept>
#include <string>

#include "atomic_file.h"

namespace eddpm {

namespace {
constexpr unsigned char kUnsignedByte = 0x08;

uint32_t read_be32(const std::string& bytes, size_t at) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
  return v;
}

void put_be32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(char((v >> shift) & 0xff));
}
}  // namespace

torch::Tensor read_idx(const std::filesystem::path& path) {
  const std::string bytes = read_text_file(path);
  const std::string where = path.string() + ": ";
  if (bytes.size() < 4 || bytes[0] != 0 || bytes[1] != 0) throw std::runtime_error(where + "not an IDX file");
  if (static_cast<unsigned char>(bytes[2]) != kUnsignedByte)
    throw std::runtime_error(where + "IDX element type " + std::to_string(int(static_cast<unsigned char>(bytes[2]))) +
                             " is not unsigned byte (8)");
  const int ndim = static_cast<unsigned char>(bytes[3]);
  if (ndim < 1 || bytes.size() < 4 + 4 * size_t(ndim)) throw std::runtime_error(where + "truncated IDX header");
  std::vector<int64_t> dims;
  uint64_t count = 1;
  for (int d = 0; d < ndim; ++d) {
    dims.push_back(read_be32(bytes, 4 + 4 * size_t(d)));
    count *= uint64_t(dims.back());
    if (count > bytes.size()) break;
  }
  const size_t header = 4 + 4 * size_t(ndim);
  if (count != bytes.size() - header)
    throw std::runtime_error(where + "IDX sizes need " + std::to_string(count) + " bytes, the file has " +
                             std::to_string(bytes.size() - header));
  torch::Tensor array = torch::empty(dims, torch::kUInt8);
  std::memcpy(array.data_ptr<uint8_t>(), bytes.data() + header, count);
  return array;
}

void write_idx(const torch::Tensor& array, const std::filesystem::path& path) {
  if (array.scalar_type() != torch::kUInt8) throw std::invalid_argument("IDX arrays here are uint8");
  if (array.dim() < 1 || array.dim() > 255) throw std::invalid_argument("IDX needs 1 to 255 dimensions");
  std::string out = {0, 0, char(kUnsignedByte), char(array.dim())};
  for (int64_t d : array.sizes()) put_be32(out, uint32_t(d));
  const torch::Tensor c = array.contiguous();
  out.append(reinterpret_cast<const char*>(c.data_ptr<uint8_t>()), size_t(c.numel()));
  write_text_atomically(path, out);
}

}  // namespace eddpm
