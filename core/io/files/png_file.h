#pragma once
// PNG files that say how they were made: tEXt chunks (e.g. "parameters") carry the schedule, eta,
// seed and model, as Stable Diffusion tools do.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace eddpm {

struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;  // row-major RGB
};

// Writes atomically; throws std::runtime_error on failure.
void save_png(const RgbImage& image, const std::filesystem::path& path,
              const std::map<std::string, std::string>& text = {});

// The tEXt chunks of a PNG file (empty for a file without any); throws on a file that is not PNG.
std::map<std::string, std::string> read_png_text(const std::filesystem::path& path);

}  // namespace eddpm
