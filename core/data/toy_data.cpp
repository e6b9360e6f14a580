#include "toy_data.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "rng.h"

namespace eddpm {

namespace {
constexpr double kPi = 3.14159265358979323846;
constexpr int64_t kReferenceCount = 200000;
constexpr uint64_t kReferenceSeed = 20240721;

torch::Tensor uniform(int64_t n, at::Generator& gen) { return torch::rand({n}, gen); }
torch::Tensor normal(std::vector<int64_t> shape, at::Generator& gen) { return torch::randn(shape, gen); }

torch::Tensor moons(int64_t n, at::Generator& gen) {
  const torch::Tensor angle = uniform(n, gen) * kPi;
  const torch::Tensor lower = uniform(n, gen) < 0.5;
  const torch::Tensor x = torch::where(lower, 1.0 - torch::cos(angle), torch::cos(angle));
  const torch::Tensor y = torch::where(lower, 0.5 - torch::sin(angle), torch::sin(angle));
  return torch::stack({x, y}, 1) + 0.1 * normal({n, 2}, gen);
}

torch::Tensor swissroll(int64_t n, at::Generator& gen) {
  const torch::Tensor r = 1.5 * kPi * (1.0 + 2.0 * uniform(n, gen));
  return torch::stack({r * torch::cos(r), r * torch::sin(r)}, 1) + 0.5 * normal({n, 2}, gen);
}

torch::Tensor eight_gaussians(int64_t n, at::Generator& gen) {
  const torch::Tensor angle = torch::randint(0, 8, {n}, gen).to(torch::kFloat32) * (kPi / 4.0);
  return 2.0 * torch::stack({torch::cos(angle), torch::sin(angle)}, 1) + 0.15 * normal({n, 2}, gen);
}

// Eight unit squares of a 4x4 board, those whose row and column have an even sum.
torch::Tensor checkerboard(int64_t n, at::Generator& gen) {
  const torch::Tensor col = torch::randint(0, 4, {n}, gen);
  const torch::Tensor row_pair = torch::randint(0, 2, {n}, gen);
  const torch::Tensor row = 2 * row_pair + col.remainder(2);
  const torch::Tensor x = col.to(torch::kFloat32) - 2.0 + uniform(n, gen);
  const torch::Tensor y = row.to(torch::kFloat32) - 2.0 + uniform(n, gen);
  return torch::stack({x, y}, 1);
}

// Three concentric rings, points shared in proportion to the circumference.
torch::Tensor rings(int64_t n, at::Generator& gen) {
  const torch::Tensor pick = uniform(n, gen);
  const torch::Tensor radius = torch::where(pick < 1.0 / 6.0, torch::full({n}, 1.0),
                                            torch::where(pick < 0.5, torch::full({n}, 2.0), torch::full({n}, 3.0)));
  const torch::Tensor angle = uniform(n, gen) * (2.0 * kPi);
  return torch::stack({radius * torch::cos(angle), radius * torch::sin(angle)}, 1) + 0.08 * normal({n, 2}, gen);
}
}  // namespace

ToyDistribution::ToyDistribution(const std::string& name) : name_(name) {
  if (!is_toy_dataset(name)) {
    std::string known;
    for (const auto& n : toy_dataset_names()) known += (known.empty() ? "" : ", ") + n;
    throw std::invalid_argument("unknown data set '" + name + "' (" + known + ")");
  }
  at::Generator gen = make_cpu_generator(kReferenceSeed);
  const torch::Tensor reference = raw_sample(kReferenceCount, gen).to(torch::kFloat64);
  mean_ = reference.mean(0);
  std_ = reference.std(0);
}

torch::Tensor ToyDistribution::raw_sample(int64_t n, at::Generator& gen) const {
  if (name_ == "moons") return moons(n, gen);
  if (name_ == "swissroll") return swissroll(n, gen);
  if (name_ == "8gaussians") return eight_gaussians(n, gen);
  if (name_ == "checkerboard") return checkerboard(n, gen);
  return rings(n, gen);
}

torch::Tensor ToyDistribution::sample(int64_t n, at::Generator& gen) const {
  const torch::Tensor raw = raw_sample(n, gen).to(torch::kFloat64);
  return ((raw - mean_) / std_).to(torch::kFloat32);
}

}  // namespace eddpm
