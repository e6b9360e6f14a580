#include "png_file.h"

#include <array>
#include <cstring>
#include <stdexcept>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#include <stb/stb_image_write.h>

#include "atomic_file.h"

namespace eddpm {

namespace {
constexpr uint8_t kSignature[8] = {137, 80, 78, 71, 13, 10, 26, 10};

uint32_t crc32(const uint8_t* data, size_t n) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; ++i) c = table[(c ^ data[i]) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

void put_u32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(char((v >> shift) & 0xFF));
}

uint32_t get_u32(const std::string& s, size_t at) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | uint8_t(s[at + i]);
  return v;
}

std::string text_chunk(const std::string& key, const std::string& value) {
  std::string body = "tEXt" + key;
  body.push_back('\0');
  body += value;
  std::string chunk;
  put_u32(chunk, uint32_t(body.size() - 4));
  chunk += body;
  put_u32(chunk, crc32(reinterpret_cast<const uint8_t*>(body.data()), body.size()));
  return chunk;
}

void append_bytes(void* context, void* data, int size) {
  static_cast<std::string*>(context)->append(static_cast<const char*>(data), size_t(size));
}
}  // namespace

void save_png(const RgbImage& image, const std::filesystem::path& path,
              const std::map<std::string, std::string>& text) {
  if (image.width <= 0 || image.height <= 0 || image.pixels.size() != size_t(image.width) * image.height * 3)
    throw std::invalid_argument("image size does not match its pixels");
  std::string png;
  if (!stbi_write_png_to_func(append_bytes, &png, image.width, image.height, 3, image.pixels.data(), image.width * 3))
    throw std::runtime_error("PNG encoding failed");
  constexpr size_t kAfterHeader = 8 + 4 + 4 + 13 + 4;  // signature, IHDR length, type, data, CRC
  std::string chunks;
  for (const auto& [key, value] : text) chunks += text_chunk(key.substr(0, 79), value);
  png.insert(kAfterHeader, chunks);
  write_text_atomically(path, png);
}

std::map<std::string, std::string> read_png_text(const std::filesystem::path& path) {
  const std::string png = read_text_file(path);
  if (png.size() < 8 || std::memcmp(png.data(), kSignature, 8) != 0)
    throw std::runtime_error(path.string() + " is not a PNG file");
  std::map<std::string, std::string> text;
  for (size_t at = 8; at + 12 <= png.size();) {
    const uint32_t length = get_u32(png, at);
    if (at + 12 + length > png.size()) throw std::runtime_error(path.string() + ": truncated PNG chunk");
    const std::string type = png.substr(at + 4, 4);
    if (type == "tEXt") {
      const std::string body = png.substr(at + 8, length);
      const size_t zero = body.find('\0');
      if (zero != std::string::npos) text[body.substr(0, zero)] = body.substr(zero + 1);
    }
    if (type == "IEND") break;
    at += 12 + length;
  }
  return text;
}

}  // namespace eddpm
