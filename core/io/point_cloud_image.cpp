#include "point_cloud_image.h"

#include <algorithm>

namespace eddpm {

namespace {
void draw(RgbImage& image, const torch::Tensor& points, double extent, const uint8_t color[3], int radius) {
  if (!points.defined() || points.numel() == 0) return;
  const torch::Tensor p = points.to(torch::kCPU, torch::kFloat64).contiguous();
  const auto a = p.accessor<double, 2>();
  const int size = image.width;
  for (int64_t i = 0; i < p.size(0); ++i) {
    const int cx = int((a[i][0] + extent) / (2 * extent) * size);
    const int cy = int((extent - a[i][1]) / (2 * extent) * size);
    for (int dy = -radius; dy <= radius; ++dy)
      for (int dx = -radius; dx <= radius; ++dx) {
        const int x = cx + dx, y = cy + dy;
        if (x < 0 || y < 0 || x >= size || y >= size) continue;
        uint8_t* px = &image.pixels[(size_t(y) * size + x) * 3];
        std::copy(color, color + 3, px);
      }
  }
}
}  // namespace

RgbImage render_points(const torch::Tensor& points, const torch::Tensor& reference, int size, double extent) {
  RgbImage image{size, size, std::vector<uint8_t>(size_t(size) * size * 3, 255)};
  const uint8_t light[3] = {200, 210, 225};
  const uint8_t dark[3] = {30, 70, 160};
  draw(image, reference, extent, light, 1);
  draw(image, points, extent, dark, 1);
  return image;
}

}  // namespace eddpm
