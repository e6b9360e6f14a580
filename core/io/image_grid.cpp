#include "image_grid.h"

#include <cmath>
#include <stdexcept>

#include <torch/torch.h>

#include "image_dataset.h"

namespace eddpm {

RgbImage image_grid(const torch::Tensor& images, int64_t columns, int64_t scale) {
  if (images.dim() != 4 || (images.size(1) != 1 && images.size(1) != 3) || images.size(0) == 0)
    throw std::invalid_argument("an image grid needs (n, 1 or 3, H, W) images");
  const int64_t n = images.size(0);
  if (columns <= 0) columns = int64_t(std::ceil(std::sqrt(double(n))));
  const int64_t rows = (n + columns - 1) / columns;
  // (n, H*scale, W*scale, 3) uint8 tiles.
  torch::Tensor tiles = model_range_to_pixels(convert_channels(images.cpu(), 3));
  tiles = tiles.repeat_interleave(scale, 2).repeat_interleave(scale, 3).permute({0, 2, 3, 1}).contiguous();
  const int64_t h = tiles.size(1), w = tiles.size(2), gap = 1;
  RgbImage grid;
  grid.width = int(columns * (w + gap) + gap);
  grid.height = int(rows * (h + gap) + gap);
  torch::Tensor canvas = torch::full({grid.height, grid.width, 3}, 40, torch::kUInt8);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t top = gap + (i / columns) * (h + gap), left = gap + (i % columns) * (w + gap);
    canvas.narrow(0, top, h).narrow(1, left, w).copy_(tiles[i]);
  }
  grid.pixels.assign(canvas.data_ptr<uint8_t>(), canvas.data_ptr<uint8_t>() + canvas.numel());
  return grid;
}

}  // namespace eddpm
