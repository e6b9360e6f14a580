#pragma once
// A plain scatter picture of 2-D samples over the true density, for PNG export without Qt.
#include <torch/types.h>

#include "png_file.h"

namespace eddpm {

// Points (n, 2) in data coordinates; `reference` (m, 2) drawn faintly beneath. The view is the
// square [-extent, extent]^2.
RgbImage render_points(const torch::Tensor& points, const torch::Tensor& reference, int size = 512,
                       double extent = 3.0);

}  // namespace eddpm
