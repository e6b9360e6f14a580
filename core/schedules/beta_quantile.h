#pragma once
// The Beta distribution's CDF and its inverse on [0, 1], for the Beta-distributed steps
// (handcrafted_schedules.h): no statistics library, plain arithmetic.

namespace eddpm {

// The regularized incomplete beta function I_x(a, b): the CDF of Beta(a, b) at x (a, b > 0).
double beta_cdf(double x, double a, double b);

// The x in [0, 1] with beta_cdf(x, a, b) = q, to about 1e-12.
double beta_quantile(double q, double a, double b);

}  // namespace eddpm
