#include "beta_quantile.h"

#include <cmath>
#include <stdexcept>

namespace eddpm {

namespace {
// The continued fraction of I_x(a, b) (evaluated by Lentz's method), good where x < (a + 1) / (a + b + 2).
double incomplete_beta_fraction(double x, double a, double b) {
  constexpr double tiny = 1e-300, eps = 1e-15;
  auto guard = [](double v) { return std::abs(v) < tiny ? tiny : v; };
  double c = 1.0;
  double d = 1.0 / guard(1.0 - (a + b) * x / (a + 1.0));
  double h = d;
  for (int m = 1; m <= 500; ++m) {
    const double m2 = 2.0 * m;
    // Even term of the fraction, then odd.
    double numerator = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
    d = 1.0 / guard(1.0 + numerator * d);
    c = guard(1.0 + numerator / c);
    h *= d * c;
    numerator = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
    d = 1.0 / guard(1.0 + numerator * d);
    c = guard(1.0 + numerator / c);
    const double step = d * c;
    h *= step;
    if (std::abs(step - 1.0) < eps) break;
  }
  return h;
}
}  // namespace

double beta_cdf(double x, double a, double b) {
  if (!(a > 0.0) || !(b > 0.0)) throw std::invalid_argument("a Beta distribution needs a > 0 and b > 0");
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  // x^a (1 - x)^b / B(a, b), in logs: B(a, b) is tiny or huge for extreme a, b.
  const double front = std::exp(a * std::log(x) + b * std::log1p(-x) + std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b));
  // The fraction converges fast on the side of the mean it is written for; the other side by symmetry.
  if (x < (a + 1.0) / (a + b + 2.0)) return front * incomplete_beta_fraction(x, a, b) / a;
  return 1.0 - front * incomplete_beta_fraction(1.0 - x, b, a) / b;
}

double beta_quantile(double q, double a, double b) {
  if (!(q >= 0.0 && q <= 1.0)) throw std::invalid_argument("a quantile level is in [0, 1]");
  if (q == 0.0) return 0.0;
  if (q == 1.0) return 1.0;
  // The CDF rises monotonically: bisection halves the bracket each round, 60 rounds reach 1e-18.
  double lo = 0.0, hi = 1.0;
  for (int i = 0; i < 60; ++i) {
    const double mid = 0.5 * (lo + hi);
    (beta_cdf(mid, a, b) < q ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace eddpm
