#include "sample_export.h"

#include <iomanip>
#include <sstream>

#include "atomic_file.h"
#include "image_grid.h"
#include "point_cloud_image.h"

namespace eddpm {

std::string describe(const SampleProvenance& p, int64_t n) {
  std::ostringstream text;
  text << "schedule: " << p.schedule << " [";
  for (size_t i = 0; i < p.timesteps.size(); ++i) text << (i ? "," : "") << p.timesteps[i];
  text << "], eta: " << p.eta << ", seed: " << p.seed << ", n: " << n << ", model: " << p.model;
  return text.str();
}

void save_samples_csv(const torch::Tensor& points, const std::filesystem::path& path) {
  const torch::Tensor s = points.to(torch::kCPU, torch::kFloat64).contiguous();
  const auto a = s.accessor<double, 2>();
  std::ostringstream out;
  out << std::setprecision(9) << "x,y\n";
  for (int64_t i = 0; i < s.size(0); ++i) out << a[i][0] << ',' << a[i][1] << '\n';
  write_text_atomically(path, out.str());
}

void save_samples_png(const torch::Tensor& points, const torch::Tensor& reference, const std::filesystem::path& path,
                      const SampleProvenance& provenance) {
  save_png(render_points(points, reference), path, {{"parameters", describe(provenance, points.size(0))}});
}

}  // namespace eddpm

namespace eddpm {

void save_image_grid_png(const torch::Tensor& images, const std::filesystem::path& path,
                         const SampleProvenance& provenance) {
  const int64_t scale = images.size(-1) < 32 ? 2 : 1;
  save_png(image_grid(images, 0, scale), path, {{"parameters", describe(provenance, images.size(0))}});
}

}  // namespace eddpm
