#pragma once
// Sampled images tiled into one picture, for PNG export without Qt.
#include <torch/types.h>

#include "png_file.h"

namespace eddpm {

// images (n, C, H, W) in [-1, 1], C = 1 or 3, laid out row by row `columns` wide (0: the
// smallest square that holds n), each pixel drawn as scale x scale, one dark pixel between tiles.
RgbImage image_grid(const torch::Tensor& images, int64_t columns = 0, int64_t scale = 1);

}  // namespace eddpm
