// The time-series domain's data and scores: the CSV reader on good and bad files, the split by
// time, standardization and windows, CSDI's CRPS against a Gaussian's closed form.
#include <torch/torch.h>

#include <QtTest>

#include <cmath>
#include <filesystem>
#include <stdexcept>

#include "csdi_net.h"
#include "imputation_metrics.h"
#include "rng.h"
#include "series_csv.h"
#include "series_dataset.h"
#include "series_windows.h"

using namespace eddpm;

namespace {

// The message a bad file gets, or "" when it reads.
std::string refusal(const std::string& text, const std::string& time_column = "") {
  try {
    parse_series_csv(text, "f.csv", time_column);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

}  // namespace

class TestTimeSeries : public QObject {
  Q_OBJECT
 private slots:
  void readsSeriesGapsAndTheTimeColumn() {
    const SeriesTable t = parse_series_csv(
        "place,date,rain,temp,sky\r\n"
        "A,2012-01-01,0.5,12.8,sun\r\n"
        "A,2012-01-02,,NA,rain\r\n"
        "\r\n"
        "A,\"2012-01-03\",\"1,5\",nan,fog\r\n"
        "A,2012-01-04,2e1,-3,sun\r\n",
        "f.csv");
    // "date" is the time axis by its name; the quoted "1,5" is not a number, so rain is not a series.
    QCOMPARE(t.time_column, std::string("date"));
    QCOMPARE(t.time_labels, (std::vector<std::string>{"2012-01-01", "2012-01-02", "2012-01-03", "2012-01-04"}));
    QCOMPARE(t.series_names, (std::vector<std::string>{"temp"}));
    QCOMPARE(t.ignored, (std::vector<std::string>{"place", "rain", "sky"}));
    QCOMPARE(t.values.size(0), int64_t{4});
    QCOMPARE(t.values[0][0].item<double>(), 12.8);
    QVERIFY(std::isnan(t.values[1][0].item<double>()));
    QVERIFY(std::isnan(t.values[2][0].item<double>()));
    QCOMPARE(t.values[3][0].item<double>(), -3.0);
  }

  void picksTheTimeColumnAsTold() {
    // Dates written as numbers (statsmodels' co2.csv writes 19580329 under "date") in a column of
    // another name are a series unless --time-column names them.
    const std::string text = "stamp,co2\n19580329,316.1\n19580405,317.3\n";
    const SeriesTable guessed = parse_series_csv(text, "co2.csv");
    QCOMPARE(guessed.series_names.size(), size_t{2});
    QVERIFY(guessed.time_column.empty());
    QCOMPARE(guessed.time_labels.front(), std::string("0"));
    const SeriesTable told = parse_series_csv(text, "co2.csv", "stamp");
    QCOMPARE(told.series_names, (std::vector<std::string>{"co2"}));
    QCOMPARE(told.time_labels.back(), std::string("19580405"));
    // With neither name nor hint, the first column that is not numeric is the time axis.
    QCOMPARE(parse_series_csv("when,x\nmonday,1\ntuesday,2\n", "f.csv").time_column, std::string("when"));
  }

  void badFilesGetOneClearLine() {
    QVERIFY(refusal("").find("empty") != std::string::npos);
    QVERIFY(refusal("date,x\n").find("no rows") != std::string::npos);
    QVERIFY(refusal("date,x,y\n2012,1,2\n2013,1\n").find("line 3 has 2 cells, the header 3") != std::string::npos);
    QVERIFY(refusal("date,name\n2012,a\n2013,b\n").find("no numeric column") != std::string::npos);
    QVERIFY(refusal("date,x\n2012,1\n", "day").find("no column named \"day\"") != std::string::npos);
    QVERIFY(refusal("date,x\n\"2012,1\n").find("not closed") != std::string::npos);
    QVERIFY(refusal("date,x\n2012,1\n").empty());
  }

  void readsTheWeatherFile() {
    if (!std::filesystem::exists(default_weather_csv())) {
      // scripts/test (and so CI) fetches it and sets EDDPM_REQUIRE_WEATHER: there a missing file fails.
      if (qEnvironmentVariableIsSet("EDDPM_REQUIRE_WEATHER")) QFAIL("the weather file is not in the cache: run scripts/fetch-weather");
      QSKIP("the weather file is not in the cache: run scripts/fetch-weather");
    }
    const SeriesTable t = read_series_csv(default_weather_csv());
    QCOMPARE(t.time_column, std::string("date"));
    QCOMPARE(t.values.sizes(), (torch::IntArrayRef{1461, 8}));
    QCOMPARE(t.series_names.front(), std::string("seattle_precipitation"));
    QCOMPARE(t.time_labels.back(), std::string("2015-12-31"));
    QVERIFY(!torch::isnan(t.values).any().item<bool>());

    const SeriesDataset data("weather", t, 36);
    QCOMPARE(data.sample_shape(), (std::vector<int64_t>{8, 36}));
    QCOMPARE(data.train_size(), int64_t{1022 - 36 + 1});
    QCOMPARE(data.test_windows().size(0), int64_t{(1461 - 1168) / 36});
    QCOMPARE(data.test_window_starts().front(), int64_t{1168});
    // Standardized windows come back to the file's units: the first test window's first day is row
    // 1168 of the file, temperature and all.
    const torch::Tensor back = in_original_units(data.test_windows(), data.scale(), -2);
    QVERIFY(std::abs(back[0][1][0].item<double>() - t.values[1168][1].item<double>()) < 1e-4);
    at::Generator gen = make_cpu_generator(3);
    QCOMPARE(data.held_out(4, gen).sizes(), (torch::IntArrayRef{4, 8, 36}));
  }

  void theSplitLeavesNoFutureDayInTraining() {
    const TimeSplit split = split_by_time(1461);
    QCOMPARE(split.train_end, int64_t{1022});
    QCOMPARE(split.validation_end, int64_t{1168});
    // Rows are the day's index: every training window ends before the first validation day, every
    // test window starts after the last validation day.
    const torch::Tensor day = torch::arange(1461, torch::kFloat64).unsqueeze(1);
    const torch::Tensor train = series_windows(day, 0, split.train_end, 36, 1, "the training split");
    const torch::Tensor test = series_windows(day, split.validation_end, split.rows, 36, 36, "the test split");
    QCOMPARE(train.size(0), int64_t{1022 - 36 + 1});
    QCOMPARE(train.max().item<double>(), 1021.0);
    QCOMPARE(test.min().item<double>(), 1168.0);
    QCOMPARE(test.sizes(), (torch::IntArrayRef{(1461 - 1168) / 36, 1, 36}));
    // A window is a run of consecutive days along its last dimension.
    QCOMPARE(train[5][0][0].item<double>(), 5.0);
    QCOMPARE(train[5][0][35].item<double>(), 40.0);
  }

  void aPartShorterThanTheWindowIsRefused() {
    const torch::Tensor values = torch::zeros({20, 2}, torch::kFloat64);
    try {
      series_windows(values, 10, 20, 36, 1, "the test split");
      QFAIL("a 10-row part made windows of 36");
    } catch (const std::invalid_argument& e) {
      QVERIFY(std::string(e.what()).find("the test split has 10 rows, fewer than --window 36") != std::string::npos);
    }
  }

  void standardizesWithTheTrainingRowsOnly() {
    torch::Tensor values = torch::tensor({1.0, 2.0, 3.0, std::nan(""), 100.0, 200.0}, torch::kFloat64).unsqueeze(1);
    const SeriesScale scale = fit_series_scale(values, 4);
    QCOMPARE(scale.mean.item<double>(), 2.0);
    QCOMPARE(scale.spread.item<double>(), 1.0);
    // The test rows' values do not move the scale.
    values[5][0] = -7.0;
    QCOMPARE(fit_series_scale(values, 4).mean.item<double>(), 2.0);
    const torch::Tensor z = standardized(values, scale);
    QCOMPARE(z[4][0].item<double>(), 98.0);
    QVERIFY(std::isnan(z[3][0].item<double>()));
    QVERIFY(torch::allclose(in_original_units(z.slice(0, 0, 3), scale), values.slice(0, 0, 3)));
    // A constant series keeps spread 1 instead of dividing by zero.
    QCOMPARE(fit_series_scale(torch::full({5, 1}, 4.0, torch::kFloat64), 5).spread.item<double>(), 1.0);
  }

  void crpsMatchesAGaussiansClosedForm() {
    // 20,001 imputations of a value y that are N(0.3, 1.5^2)'s quantiles at (i + 0.5) / 20001: a
    // sample without sampling noise, so what is left is the quantile form's own error.
    const int64_t S = 20001;
    const torch::Tensor levels = (torch::arange(S, torch::kFloat64) + 0.5) / S;
    const torch::Tensor draws = (torch::special::ndtri(levels) * 1.5 + 0.3).unsqueeze(1);
    for (const double y : {0.3, 1.0, -2.5}) {
      const torch::Tensor truth = torch::full({1}, y, torch::kFloat64);
      const ImputationScores s = score_imputations(draws, truth, torch::ones({1}, torch::kBool));
      const double exact = gaussian_crps(0.3, 1.5, y);
      // 19 quantile levels overstate a normal's CRPS by 3.8-5.4% (the tails beyond 0.05 and 0.95
      // they leave out, and the rule's step).
      QVERIFY2(s.crps_per_point > exact * 1.035 && s.crps_per_point < exact * 1.06,
               qPrintable(QString("y %1: quantile form %2, closed form %3").arg(y).arg(s.crps_per_point).arg(exact)));
      QCOMPARE(s.crps, s.crps_per_point / std::abs(y));
      QVERIFY2(std::abs(s.mae - std::abs(0.3 - y)) < 1e-6, qPrintable(QString("y %1: median error %2").arg(y).arg(s.mae)));
    }
    // The closed form itself at a known point: CRPS(N(0,1), 0) = 2 phi(0) - 1/sqrt(pi) = (sqrt 2 - 1)/sqrt(pi).
    QVERIFY(std::abs(gaussian_crps(0, 1, 0) - (std::sqrt(2.0) - 1) / std::sqrt(M_PI)) < 1e-12);
  }

  void onlyScoredPointsCount() {
    // Two points; the second is observed (not scored) and its samples are far off.
    const torch::Tensor samples = torch::tensor({{1.0, 50.0}, {1.0, 60.0}, {1.0, 70.0}}, torch::kFloat64);
    const torch::Tensor truth = torch::tensor({2.0, 0.0}, torch::kFloat64);
    const torch::Tensor scored = torch::tensor({true, false});
    const ImputationScores s = score_imputations(samples, truth, scored);
    QCOMPARE(s.mae, 1.0);
    QCOMPARE(s.rmse, 1.0);
    // Every quantile is 1 < y = 2: each level q loses 2 q (2 - 1); their mean is 2 x 0.5 = 1.
    QVERIFY(std::abs(s.crps_per_point - 1.0) < 1e-12);
    QVERIFY(std::abs(s.crps - 0.5) < 1e-12);
    QVERIFY_EXCEPTION_THROWN(score_imputations(samples, truth, torch::zeros({2}, torch::kBool)), std::invalid_argument);
  }

  // The model reads observed values where the condition holds and noisy ones elsewhere, never the
  // noise of an observed value: that is what keeps observations out of the diffusion.
  void theModelSeesObservationsNotTheirNoise() {
    torch::manual_seed(11);
    auto net = std::make_shared<CsdiNet>(std::vector<int64_t>{3, 12});
    {
      torch::NoGradGuard no_grad;
      net->named_parameters()["output.weight"].normal_();  // it starts at zero: predicts nothing
    }
    const torch::Tensor x = torch::randn({2, 3, 12}), observed = torch::randn({2, 3, 12});
    const torch::Tensor condition = (torch::rand({2, 3, 12}) < 0.5).to(torch::kFloat32);
    const torch::Tensor t = torch::tensor({5, 40});
    torch::NoGradGuard no_grad;
    const torch::Tensor eps = net->forward_conditional(x, t, observed, condition);
    QCOMPARE(eps.sizes(), x.sizes());
    const torch::Tensor other = torch::randn({2, 3, 12});
    // Other noise where observed: the same prediction.
    QVERIFY(torch::allclose(net->forward_conditional(torch::where(condition > 0, other, x), t, observed, condition), eps));
    // Other observations, or other noise where not observed: another prediction.
    QVERIFY(!torch::allclose(net->forward_conditional(x, t, torch::where(condition > 0, other, observed), condition), eps));
    QVERIFY(!torch::allclose(net->forward_conditional(torch::where(condition > 0, x, other), t, observed, condition), eps));
    // Every series and every position reaches every other (attention along time and across series).
    torch::Tensor nudged = x.clone();
    nudged[0][0][0] += 1.0;
    const torch::Tensor moved = (net->forward_conditional(nudged, t, observed, torch::zeros_like(condition)) -
                                 net->forward_conditional(x, t, observed, torch::zeros_like(condition))).abs();
    QVERIFY(moved[0][2][11].item<double>() > 0);
    QCOMPARE(moved[1].max().item<double>(), 0.0);  // windows of a batch stay apart

    // Bound to a batch's condition, repeated for several samples per window, and put back.
    ConditionedModel bound(net, torch::where(condition > 0, observed, torch::full_like(observed, NAN)), condition);
    const torch::Tensor twice = bound.forward(torch::cat({x, x}), torch::cat({t, t}));
    QVERIFY(torch::allclose(twice.slice(0, 2, 4), eps, 1e-5, 1e-6));
    const torch::Tensor filled = bound.with_observed(torch::cat({x, x}));
    QVERIFY(torch::equal(torch::where(condition > 0, filled.slice(0, 2, 4), x), filled.slice(0, 2, 4)));
    QVERIFY(torch::equal(filled.slice(0, 0, 2).masked_select(condition > 0), observed.masked_select(condition > 0)));
  }
};

QTEST_GUILESS_MAIN(TestTimeSeries)
#include "test_time_series.moc"
