#pragma once
// Base noise schedules (spec section 1). All arrays are indexed by the 0-based timestep t-1.
#include <cmath>
#include <string>
#include <vector>

namespace eddpm {

enum class BetaKind { Linear, Cosine, Quadratic };

struct BetaSpec {
  BetaKind kind = BetaKind::Linear;
  int T = 1000;
  double b1 = 1e-4;
  double bT = 0.02;
};

std::string to_string(BetaKind kind);
// Throws std::invalid_argument naming the accepted values.
BetaKind beta_kind_from_string(const std::string& name);
// Checks T >= 2 and 0 < b1 <= bT < 1; throws std::invalid_argument with the reason.
void validate(const BetaSpec& spec);

class NoiseSchedule {
 public:
  explicit NoiseSchedule(const BetaSpec& spec);

  const BetaSpec& spec() const { return spec_; }
  int T() const { return spec_.T; }
  const std::vector<double>& betas() const { return betas_; }
  const std::vector<double>& alpha_bars() const { return alpha_bars_; }
  double alpha_bar(int t) const { return alpha_bars_.at(t); }
  double snr(int t) const { return alpha_bars_.at(t) / (1.0 - alpha_bars_.at(t)); }
  // sigma_t = sqrt((1 - abar_t) / abar_t), the EDM noise level of timestep t.
  double sigma(int t) const { return 1.0 / std::sqrt(snr(t)); }

 private:
  BetaSpec spec_;
  std::vector<double> betas_;
  std::vector<double> alpha_bars_;
};

}  // namespace eddpm
