#pragma once
// Measuring schedules on one model: every schedule is sampled from the same starting noise and
// compared with one fixed set of held-out data and, for fidelity, with the full chain from that
// noise. Used by `eddpm compare`, the explorer's sample page and its live quality plot.
// MNIST models are also measured by FD-LeNet (spec section 9). Time-series models impute the test
// windows instead (imputation_meter.h): their samples are imputations, scored by CRPS, MAE and RMSE.
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <torch/types.h>

#include "schedule_sampling.h"
#include "trained_model.h"
#include "fd_lenet.h"
#include "frechet_distance.h"
#include "imputation_meter.h"

namespace eddpm {

// What ScheduleMeter::check measures on `run`'s data: "FD-LeNet" where there is a classifier
// (MNIST), "CRPS" for time series, else "SWD".
std::string check_name(const TrainedModel& run);
// A check's value as sentences write it: 4 decimals below 1 (SWD), 3 below 100, else 1 (FD-LeNet).
std::string check_value_text(double value);

// Told after each schedule a judgement (settling, the verdict) has measured: `done` of `total`.
// Called on the measuring thread; a GUI posts it on.
using MeasureProgress = std::function<void(int done, int total)>;

struct ScheduleMeasure {
  torch::Tensor samples;  // (n, ...) on the CPU; time series: (n, windows, series, L) imputations
  double swd = 0.0;       // sliced Wasserstein-2 to the held-out data (images: over pixels; -1: series)
  double mmd = 0.0;       // RBF MMD^2 to the held-out data (-1: series)
  double fd = -1.0;       // FD-LeNet to the held-out data; -1 where there is no classifier (non-MNIST)
  // mean squared distance per dim to the full chain from the same noise (time series: per hidden value)
  double fidelity = 0.0;
  double fidelity_swd = 0.0;  // SWD between this set and the full chain's set (-1: series)
  double fidelity_fd = -1.0;  // FD-LeNet between the two sets (MNIST only)
  double seconds = 0.0;   // sampling time
  // Time series only: the imputations' scores in standardized and in the data's units.
  std::optional<ImputationScores> imputation, imputation_original;
};

// Which parts of a measurement to compute. The parts against the held-out data are the SWD, the MMD
// and FD-LeNet; the MMD alone costs seconds at n = 2,000 (a 4,000-square float64 kernel and the
// median of its 8 million distances), so a caller that wants one number asks for just that part.
// Parts not computed keep ScheduleMeasure's defaults. Time series ignore `against_data` and `mmd`.
struct MeasureParts {
  bool against_data = true;  // swd, fd
  bool mmd = true;
  bool fidelity = true;
};

class ScheduleMeter {
 public:
  // For MNIST runs the FD-LeNet classifier is loaded, or trained once, here; `log` hears about it.
  // Every schedule is sampled with `solver`, the full chain (fidelity's reference) too. For time
  // series `n` is the number of imputations per test window.
  ScheduleMeter(const TrainedModel& run, int64_t n, uint64_t seed, Solver solver = {}, const FdLenet::Log& log = {});

  // Samples and measures `parts`; the full chain (for fidelity) is sampled once, on first need.
  ScheduleMeasure measure(const std::vector<int>& timesteps, MeasureParts parts = {});
  // The live quality plot's check on any data: FD-LeNet where there is a classifier (MNIST), the
  // CRPS of the imputations for time series, else the SWD to the held-out data, with the samples it measured (the first ones make a preview
  // from the same noise at every call).
  struct Check {
    double value = 0.0;
    torch::Tensor samples;
  };
  Check check(const std::vector<int>& timesteps);
  // What check() measures on this model: check_name(run).
  // A fresh draw of training data against the held-out set: the floor of the measures at n. Not
  // for time series (std::logic_error): imputation has no such floor.
  ScheduleMeasure real_floor();
  bool has_real_floor() const { return imputer_ == nullptr; }
  const torch::Tensor& full_chain();
  const torch::Tensor& real() const { return real_; }
  bool has_fd() const { return lenet_ != nullptr; }
  const Solver& solver() const { return solver_; }
  // Time series: what the imputations are scored on (the hidden values, the data); null elsewhere.
  const ImputationMeter* imputer() const { return imputer_.get(); }
  // Every later measurement stops with Cancelled once `cancel` is set (from any thread).
  void set_cancel(const std::atomic<bool>* cancel) { cancel_ = cancel; }
  // Every later sampling adds its example-steps to `progress` (read from any thread).
  void set_progress(std::atomic<int64_t>* progress) { progress_ = progress; }

 private:
  void measure_against_real(ScheduleMeasure& m, bool with_mmd = true) const;
  ScheduleMeasure measure_imputations(const std::vector<int>& timesteps, bool with_fidelity);

  TrainedModel run_;  // a copy: it shares the network, and outlives whatever handed it over
  int64_t n_;
  uint64_t seed_;
  Solver solver_;
  const std::atomic<bool>* cancel_ = nullptr;
  std::atomic<int64_t>* progress_ = nullptr;
  at::Generator data_gen_;
  torch::Tensor real_, full_;
  std::shared_ptr<FdLenet> lenet_;
  std::shared_ptr<ImputationMeter> imputer_;  // time series only
  GaussianMoments real_moments_, full_moments_;
};

}  // namespace eddpm
