// Torch before Qt (see training_worker.cpp).
#include <torch/torch.h>

#include "image_dataset.h"

#include "tensor_images.h"

namespace eddpm::explorer {

namespace {
// (n, H, W, 3) uint8 pixels as QImages; each QImage owns a copy.
QVector<QImage> from_pixels(const torch::Tensor& pixels) {
  QVector<QImage> images;
  const torch::Tensor p = pixels.contiguous();
  const int h = int(p.size(1)), w = int(p.size(2));
  for (int64_t i = 0; i < p.size(0); ++i) {
    const QImage view(p[i].data_ptr<uint8_t>(), w, h, 3 * w, QImage::Format_RGB888);
    images.append(view.copy());
  }
  return images;
}
}  // namespace

QVector<QImage> to_qimages(const torch::Tensor& images, int64_t count) {
  if (!images.defined() || images.dim() != 4 || images.size(0) == 0) return {};
  const torch::Tensor first = images.slice(0, 0, std::min(count, images.size(0))).cpu();
  return from_pixels(model_range_to_pixels(convert_channels(first, 3)).permute({0, 2, 3, 1}));
}

QVector<QImage> difference_images(const torch::Tensor& a, const torch::Tensor& b, int64_t count, double full_scale) {
  if (!a.defined() || !b.defined() || a.sizes() != b.sizes() || a.dim() != 4) return {};
  const int64_t n = std::min(count, a.size(0));
  const torch::Tensor diff = (a.slice(0, 0, n).cpu() - b.slice(0, 0, n).cpu()).abs() / full_scale;
  // 0 (same) is black, full_scale or more is white; channels averaged: where, not which colour.
  const torch::Tensor gray = diff.mean(1, true).clamp(0.0, 1.0).mul(255.0).round().to(torch::kUInt8);
  return from_pixels(gray.expand({n, 3, a.size(2), a.size(3)}).permute({0, 2, 3, 1}));
}

}  // namespace eddpm::explorer
