#pragma once
// Sampled images as QImages for the views (the one place the explorer turns tensors into
// pictures). Include after LibTorch (see training_worker.cpp).
#include <torch/types.h>

#include <QImage>
#include <QVector>

namespace eddpm::explorer {

// The first `count` of (n, C, H, W) images in [-1, 1] (C = 1 or 3), as RGB QImages.
QVector<QImage> to_qimages(const torch::Tensor& images, int64_t count);

// |a - b| of two image sets of one shape, scaled so that a difference of `full_scale` (in the
// data's [-1, 1] range) is white: where a few-step sample departs from the full chain's.
QVector<QImage> difference_images(const torch::Tensor& a, const torch::Tensor& b, int64_t count,
                                  double full_scale = 1.0);

}  // namespace eddpm::explorer
