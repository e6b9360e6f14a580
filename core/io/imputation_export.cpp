#include "imputation_export.h"

#include <cmath>
#include <iomanip>
#include <sstream>
#include <stdexcept>

#include <torch/torch.h>

#include "atomic_file.h"

namespace eddpm {

namespace {
// A label as one CSV cell: quoted where it holds a separator, a quote or a line break.
std::string cell(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}
}  // namespace

ImputedWindows imputed_test_windows(const SeriesDataset& data, const ImputationTask& task, const torch::Tensor& samples) {
  ImputedWindows out;
  if (samples.defined()) out.samples = in_original_units(samples, data.scale(), -2);
  out.truth = in_original_units(task.windows, data.scale(), -2);
  out.condition = task.condition;
  out.series_names = data.table().series_names;
  const std::vector<std::string>& labels = data.table().time_labels;
  for (int64_t start : data.test_window_starts())
    out.time_labels.emplace_back(labels.begin() + start, labels.begin() + start + data.window());
  return out;
}

const std::vector<double>& exported_quantile_levels() {
  static const std::vector<double> levels = {0.05, 0.25, 0.75, 0.95};
  return levels;
}

void save_imputations_csv(const ImputedWindows& imputed, const std::filesystem::path& path) {
  const torch::Tensor samples = imputed.samples.to(torch::kCPU, torch::kFloat64);
  const torch::Tensor truth = imputed.truth.to(torch::kCPU, torch::kFloat64).contiguous();
  const torch::Tensor seen = imputed.condition.to(torch::kCPU, torch::kFloat64).contiguous();
  if (samples.dim() != 4 || truth.dim() != 3 || samples.sizes().slice(1) != truth.sizes() ||
      seen.sizes() != truth.sizes() || int64_t(imputed.series_names.size()) != truth.size(1) ||
      int64_t(imputed.time_labels.size()) != truth.size(0))
    throw std::invalid_argument("imputations, truth, condition, series names and time labels disagree in shape");
  std::vector<double> levels = {0.5};
  for (double q : exported_quantile_levels()) levels.push_back(q);
  const torch::Tensor q = torch::quantile(samples, torch::tensor(levels, torch::kFloat64), 0).contiguous();
  const auto qa = q.accessor<double, 4>();
  const auto ta = truth.accessor<double, 3>();
  const auto sa = seen.accessor<double, 3>();
  std::ostringstream out;
  out << std::setprecision(7) << "window,series,time,state,value,median,q05,q25,q75,q95\n";
  for (int64_t w = 0; w < truth.size(0); ++w)
    for (int64_t k = 0; k < truth.size(1); ++k)
      for (int64_t l = 0; l < truth.size(2); ++l) {
        const bool missing = std::isnan(ta[w][k][l]);
        const std::string& time = imputed.time_labels[size_t(w)].at(size_t(l));
        out << w << ',' << cell(imputed.series_names[size_t(k)]) << ',' << cell(time) << ','
            << (missing ? "missing" : sa[w][k][l] > 0.5 ? "observed" : "hidden") << ',';
        if (!missing) out << ta[w][k][l];
        for (size_t j = 0; j < levels.size(); ++j) out << ',' << qa[int64_t(j)][w][k][l];
        out << '\n';
      }
  write_text_atomically(path, out.str());
}

void save_filled_csv(const SeriesTable& table, const torch::Tensor& filled, const std::filesystem::path& path) {
  const torch::Tensor values = filled.to(torch::kCPU, torch::kFloat64).contiguous();
  if (values.dim() != 2 || values.size(0) != int64_t(table.time_labels.size()) ||
      values.size(1) != int64_t(table.series_names.size()))
    throw std::invalid_argument("the filled values are not (rows, series) of the table");
  const auto a = values.accessor<double, 2>();
  std::ostringstream out;
  out << std::setprecision(9);
  const bool has_time = !table.time_column.empty();
  if (has_time) out << cell(table.time_column);
  for (size_t k = 0; k < table.series_names.size(); ++k) out << (k || has_time ? "," : "") << cell(table.series_names[k]);
  out << '\n';
  for (int64_t r = 0; r < values.size(0); ++r) {
    if (has_time) out << cell(table.time_labels[size_t(r)]);
    for (int64_t k = 0; k < values.size(1); ++k) out << (k || has_time ? "," : "") << a[r][k];
    out << '\n';
  }
  write_text_atomically(path, out.str());
}

}  // namespace eddpm
