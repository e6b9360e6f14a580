#include "handcrafted_schedules.h"

#include "beta_quantile.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <set>
#include <stdexcept>

namespace eddpm {

namespace {

const std::vector<std::pair<ScheduleKind, std::string>>& kind_names() {
  static const std::vector<std::pair<ScheduleKind, std::string>> names = {
      {ScheduleKind::Uniform, "uniform"},     {ScheduleKind::Trailing, "trailing"},
      {ScheduleKind::Linspace, "linspace"},   {ScheduleKind::Quadratic, "quadratic"},
      {ScheduleKind::LogSnr, "logsnr"},       {ScheduleKind::Karras, "karras"},
      {ScheduleKind::KlOptimal, "kl-optimal"}, {ScheduleKind::Beta, "beta"},
      {ScheduleKind::ElboDp, "elbo-dp"},
      {ScheduleKind::Learned, "learned"},     {ScheduleKind::Manual, "manual"},
      {ScheduleKind::Full, "full"},           {ScheduleKind::Gits, "gits"},
      {ScheduleKind::Dmn, "dmn"},             {ScheduleKind::Ays, "ays"},
      {ScheduleKind::Ld3, "ld3"}};
  return names;
}

std::vector<int> descending_unique(const std::vector<int>& steps) {
  std::set<int, std::greater<int>> unique(steps.begin(), steps.end());
  return {unique.begin(), unique.end()};
}

double log_sigma(const NoiseSchedule& noise, int t) { return std::log(noise.sigma(t)); }

// sigma_t grows with t, so the nearest timestep in log sigma is found by bisection.
int nearest_by_log_sigma(const NoiseSchedule& noise, double target) {
  int lo = 0, hi = noise.T() - 1;
  while (hi - lo > 1) {
    const int mid = (lo + hi) / 2;
    (log_sigma(noise, mid) < target ? lo : hi) = mid;
  }
  return std::abs(log_sigma(noise, lo) - target) <= std::abs(log_sigma(noise, hi) - target) ? lo : hi;
}

// K values from `first` to `last`, evenly spaced in the space `to` maps into.
std::vector<int> nearest_steps(const NoiseSchedule& noise, int K, double first_sigma,
                               double last_sigma, const std::function<double(double)>& to,
                               const std::function<double(double)>& from) {
  std::vector<int> steps;
  const double a = to(first_sigma), b = to(last_sigma);
  for (int i = 0; i < K; ++i) {
    const double u = K == 1 ? 0.0 : double(i) / (K - 1);
    steps.push_back(nearest_by_log_sigma(noise, std::log(from(a + u * (b - a)))));
  }
  return descending_unique(steps);
}

}  // namespace

std::string to_string(ScheduleKind kind) {
  for (const auto& [k, name] : kind_names())
    if (k == kind) return name;
  return "manual";
}

ScheduleKind schedule_kind_from_string(const std::string& name) {
  std::string accepted;
  for (const auto& [k, n] : kind_names()) {
    if (n == name) return k;
    accepted += (accepted.empty() ? "" : ", ") + n;
  }
  throw std::invalid_argument("unknown schedule kind '" + name + "' (" + accepted + ")");
}

bool is_field_search(ScheduleKind kind) {
  return kind == ScheduleKind::Gits || kind == ScheduleKind::Dmn || kind == ScheduleKind::Ays || kind == ScheduleKind::Ld3;
}

bool is_closed_form(ScheduleKind kind) {
  return kind != ScheduleKind::ElboDp && kind != ScheduleKind::Learned &&
         kind != ScheduleKind::Manual && kind != ScheduleKind::Full && !is_field_search(kind);
}

std::vector<int> handcrafted_schedule(ScheduleKind kind, int K, const NoiseSchedule& noise) {
  const int T = noise.T();
  if (K < 1 || K > T) throw std::invalid_argument("K must be in [1, T]");
  std::vector<int> steps;
  const double smax = noise.sigma(T - 1), smin = noise.sigma(0);
  switch (kind) {
    case ScheduleKind::Uniform: {
      const int c = T / K;
      for (int i = 0; i < K; ++i) steps.push_back(i * c);
      break;
    }
    case ScheduleKind::Trailing:
      for (int i = 0; i < K; ++i) steps.push_back(int(std::nearbyint(T - i * double(T) / K)) - 1);
      break;
    case ScheduleKind::Linspace:
      for (int i = 0; i < K; ++i)
        steps.push_back(int(std::nearbyint(K == 1 ? 0.0 : i * double(T - 1) / (K - 1))));
      break;
    case ScheduleKind::Quadratic: {
      const double top = std::sqrt(0.8 * T);
      for (int i = 0; i < K; ++i) {
        const double r = K == 1 ? 0.0 : i * top / (K - 1);
        steps.push_back(std::min(T - 1, int(std::floor(r * r))));
      }
      break;
    }
    case ScheduleKind::LogSnr:  // uniform in 0.5 log SNR = -log sigma
      return nearest_steps(noise, K, smax, smin, [](double s) { return -std::log(s); },
                           [](double l) { return std::exp(-l); });
    case ScheduleKind::Karras: {
      constexpr double rho = 7.0;
      return nearest_steps(noise, K, smax, smin, [](double s) { return std::pow(s, 1.0 / rho); },
                           [](double r) { return std::pow(r, rho); });
    }
    case ScheduleKind::KlOptimal:
      return nearest_steps(noise, K, smax, smin, [](double s) { return std::atan(s); },
                           [](double a) { return std::tan(a); });
    case ScheduleKind::Beta:
      for (int i = 0; i < K; ++i)
        steps.push_back(int(std::nearbyint(beta_quantile(1.0 - double(i) / K, kBetaStepsAlpha, kBetaStepsBeta) * (T - 1))));
      break;
    case ScheduleKind::Full:
      return full_schedule(T);
    default:
      throw std::invalid_argument("schedule '" + to_string(kind) + "' is not closed form");
  }
  return descending_unique(steps);
}

std::vector<int> resample_schedule(const std::vector<int>& timesteps, int K,
                                   const NoiseSchedule& noise) {
  if (K < 1 || K > noise.T()) throw std::invalid_argument("K must be in [1, T]");
  std::vector<int> ascending = normalized_schedule(timesteps, noise.T());
  std::reverse(ascending.begin(), ascending.end());
  const int n = int(ascending.size());
  std::vector<int> steps;
  for (int i = 0; i < K; ++i) {
    const double x = K == 1 ? double(n - 1) : i * double(n - 1) / (K - 1);
    const int left = std::min(int(std::floor(x)), n - 1);
    const int right = std::min(left + 1, n - 1);
    const double w = x - left;
    const double level = (1 - w) * log_sigma(noise, ascending[left]) + w * log_sigma(noise, ascending[right]);
    steps.push_back(nearest_by_log_sigma(noise, level));
  }
  return descending_unique(steps);
}

std::vector<int> full_schedule(int T) {
  std::vector<int> steps(T);
  for (int i = 0; i < T; ++i) steps[i] = T - 1 - i;
  return steps;
}

std::vector<int> normalized_schedule(std::vector<int> timesteps, int T) {
  if (timesteps.empty()) throw std::invalid_argument("a schedule needs at least one timestep");
  std::set<int> seen;
  for (int t : timesteps) {
    if (t < 0 || t >= T)
      throw std::invalid_argument("timestep " + std::to_string(t) + " is outside [0, " +
                                  std::to_string(T - 1) + "]");
    if (!seen.insert(t).second)
      throw std::invalid_argument("timestep " + std::to_string(t) + " appears twice");
  }
  std::sort(timesteps.begin(), timesteps.end(), std::greater<int>());
  return timesteps;
}

std::vector<int> parse_timestep_list(const std::string& text) {
  std::vector<int> values;
  std::string token;
  auto flush = [&]() {
    if (token.empty()) return;
    if (token.size() > 9) throw std::invalid_argument("timestep '" + token + "' is too large");
    values.push_back(std::stoi(token));
    token.clear();
  };
  for (char c : text) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      token += c;
    } else if (c == '-' && token.empty()) {
      throw std::invalid_argument("negative timesteps are not allowed");
    } else if (c == ',' || c == '[' || c == ']' || std::isspace(static_cast<unsigned char>(c))) {
      flush();
    } else {
      throw std::invalid_argument(std::string("unexpected character '") + c + "' in timestep list");
    }
  }
  flush();
  return values;
}

}  // namespace eddpm
