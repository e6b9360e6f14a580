#include "noise_schedule.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace eddpm {

namespace {
constexpr double kPi = 3.14159265358979323846;

std::vector<double> linear_betas(const BetaSpec& s) {
  std::vector<double> b(s.T);
  for (int i = 0; i < s.T; ++i) b[i] = s.b1 + double(i) / (s.T - 1) * (s.bT - s.b1);
  return b;
}

std::vector<double> quadratic_betas(const BetaSpec& s) {
  std::vector<double> b(s.T);
  const double r1 = std::sqrt(s.b1), rT = std::sqrt(s.bT);
  for (int i = 0; i < s.T; ++i) {
    const double r = r1 + double(i) / (s.T - 1) * (rT - r1);
    b[i] = r * r;
  }
  return b;
}

std::vector<double> cosine_betas(const BetaSpec& s) {
  auto f = [&](double t) {
    const double c = std::cos((t / s.T + 0.008) / 1.008 * kPi / 2.0);
    return c * c;
  };
  std::vector<double> b(s.T);
  for (int t = 1; t <= s.T; ++t) b[t - 1] = std::min(1.0 - f(t) / f(t - 1), 0.999);
  return b;
}
}  // namespace

std::string to_string(BetaKind kind) {
  switch (kind) {
    case BetaKind::Linear: return "linear";
    case BetaKind::Cosine: return "cosine";
    case BetaKind::Quadratic: return "quadratic";
  }
  return "linear";
}

BetaKind beta_kind_from_string(const std::string& name) {
  if (name == "linear") return BetaKind::Linear;
  if (name == "cosine") return BetaKind::Cosine;
  if (name == "quadratic") return BetaKind::Quadratic;
  throw std::invalid_argument("unknown beta schedule '" + name + "' (linear, cosine, quadratic)");
}

void validate(const BetaSpec& spec) {
  if (spec.T < 2) throw std::invalid_argument("T must be at least 2");
  if (spec.T > 100000) throw std::invalid_argument("T must be at most 100000");
  if (spec.kind == BetaKind::Cosine) return;  // cosine ignores b1, bT
  if (!(spec.b1 > 0.0 && spec.b1 <= spec.bT && spec.bT < 1.0))
    throw std::invalid_argument("beta range must satisfy 0 < b1 <= bT < 1");
}

NoiseSchedule::NoiseSchedule(const BetaSpec& spec) : spec_(spec) {
  validate(spec);
  switch (spec.kind) {
    case BetaKind::Linear: betas_ = linear_betas(spec); break;
    case BetaKind::Cosine: betas_ = cosine_betas(spec); break;
    case BetaKind::Quadratic: betas_ = quadratic_betas(spec); break;
  }
  alpha_bars_.resize(spec.T);
  double prod = 1.0;
  for (int i = 0; i < spec.T; ++i) {
    prod *= 1.0 - betas_[i];
    alpha_bars_[i] = prod;
  }
}

}  // namespace eddpm
