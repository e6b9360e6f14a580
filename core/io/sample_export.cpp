#include "sample_export.h"

#include <cmath>
#include <iomanip>
#include <stdexcept>
#include <sstream>

#include "atomic_file.h"
#include "image_grid.h"
#include "point_cloud_image.h"

namespace eddpm {

std::string describe(const SampleProvenance& p, int64_t n) {
  std::ostringstream text;
  text << "schedule: " << p.schedule << " [";
  for (size_t i = 0; i < p.timesteps.size(); ++i) text << (i ? "," : "") << p.timesteps[i];
  text << "], solver: " << p.solver.name();
  if (p.solver.kind == SolverKind::Ddim) text << ", eta: " << p.solver.eta;
  text << ", nfe: " << p.solver.nfe(static_cast<int64_t>(p.timesteps.size())) << ", seed: " << p.seed << ", n: " << n
       << ", model: " << p.model;
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

torch::Tensor load_points_csv(const std::filesystem::path& path) {
  std::istringstream in(read_text_file(path, 256u << 20));
  std::vector<float> values;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || (number == 1 && line == "x,y")) continue;
    const size_t comma = line.find(',');
    try {
      size_t used_x = 0, used_y = 0;
      if (comma == std::string::npos) throw std::invalid_argument("no comma");
      const double x = std::stod(line.substr(0, comma), &used_x);
      const std::string rest = line.substr(comma + 1);
      const double y = std::stod(rest, &used_y);
      if (used_x != comma || used_y != rest.size() || !std::isfinite(x) || !std::isfinite(y))
        throw std::invalid_argument("not two numbers");
      values.push_back(float(x));
      values.push_back(float(y));
    } catch (const std::exception&) {
      throw std::invalid_argument(path.string() + ": line " + std::to_string(number) + " is not two numbers \"x,y\"");
    }
  }
  if (values.empty()) throw std::invalid_argument(path.string() + ": no points");
  return torch::tensor(values).reshape({int64_t(values.size() / 2), 2});
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
