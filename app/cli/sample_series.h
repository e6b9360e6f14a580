#pragma once
// eddpm sample for a time-series model: impute the test split under the evaluation protocol
// (every value with its median and quantiles, and the scores), or fill the gaps of a CSV of one's own.
#include <cstdint>
#include <string>
#include <vector>

#include "solver_kind.h"
#include "trained_model.h"

namespace eddpm::cli {

struct SeriesSampleRequest {
  std::string input;  // a CSV with gaps of its own to fill; empty: the test split
  std::string out;    // a CSV
  int64_t samples = 32;  // imputations per window
  uint64_t seed = 0;
};

int sample_series(const TrainedModel& run, const std::vector<int>& steps, const Solver& solver,
                  const SeriesSampleRequest& request);

}  // namespace eddpm::cli
