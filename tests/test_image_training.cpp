#include <torch/torch.h>

#include <QtTest>

#include <QTemporaryDir>
#include <filesystem>

#include "checkpoint.h"
#include "training_checkpoint.h"
#include "eddpm_trainer.h"
#include "fd_lenet.h"
#include "idx_file.h"
#include "image_grid.h"
#include "mnist_files.h"
#include "png_file.h"
#include "rng.h"
#include "schedule_comparison.h"

using namespace eddpm;
namespace fs = std::filesystem;

namespace {
// 40 small pictures of bright squares at random places on a dark ground.
void write_square_pictures(const fs::path& folder) {
  fs::create_directories(folder);
  at::Generator gen = make_cpu_generator(5);
  for (int i = 0; i < 40; ++i) {
    RgbImage image{12, 12, std::vector<uint8_t>(12 * 12 * 3, 20)};
    const int x0 = int(torch::randint(8, {1}, gen, torch::kLong).item<int64_t>());
    const int y0 = int(torch::randint(8, {1}, gen, torch::kLong).item<int64_t>());
    for (int y = y0; y < y0 + 4; ++y)
      for (int x = x0; x < x0 + 4; ++x)
        for (int c = 0; c < 3; ++c) image.pixels[(size_t(y) * 12 + x) * 3 + c] = 230;
    save_png(image, folder / ("square" + std::to_string(i) + ".png"));
  }
}

TrainConfig image_config(const fs::path& folder) {
  TrainConfig c;
  c.data = "folder:" + folder.string();
  c.size = 8;
  c.channels = 1;
  c.model = "tiny";
  c.beta = {BetaKind::Linear, 50, 1e-4, 0.05};
  c.keep = 0.2;
  c.iters = 12;
  c.warmup = 2;
  c.ramp_end = 10;
  c.batch = 16;
  c.device = "cpu";
  return c;
}
}  // namespace

class TestImageTraining : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  fs::path at(const char* name) const { return fs::path(dir_.path().toStdString()) / name; }

 private slots:
  void initTestCase() { write_square_pictures(at("squares")); }

  void aUNetRunTrainsSavesAndReloads() {
    EddpmTrainer trainer(image_config(at("squares")), torch::kCPU);
    for (int i = 0; i < 12; ++i) trainer.step();
    const TrainSnapshot snap = trainer.take_snapshot();
    QVERIFY(std::isfinite(snap.loss) && snap.loss > 0.0);
    QCOMPARE(int(snap.learned.size()), 10);
    save_checkpoint(trainer, at("checkpoint.pt"));
    const auto reloaded = resume_training(at("checkpoint.pt"), "cpu");
    QCOMPARE(reloaded->config().size, int64_t(8));
    torch::NoGradGuard no_grad;
    const torch::Tensor x = torch::randn({3, 1, 8, 8});
    const torch::Tensor t = torch::tensor({0, 20, 49}, torch::kLong);
    QVERIFY(torch::allclose(reloaded->model().forward(x, t), trainer.model().forward(x, t)));
  }

  void samplesAreImagesInTheDataRangeAndGridsTileThem() {
    const TrainedModel run = load_checkpoint(at("checkpoint.pt"), "cpu");
    const torch::Tensor samples = sample_schedule(run, {49, 30, 10, 0}, 6, 1, Solver{});
    QCOMPARE(samples.sizes().vec(), (std::vector<int64_t>{6, 1, 8, 8}));
    QVERIFY(samples.abs().max().item<double>() <= 1.0 + 1e-6);  // x0 estimates are clipped to [-1, 1]
    const RgbImage grid = image_grid(samples, 3, 2);
    QCOMPARE(grid.width, 3 * (16 + 1) + 1);
    QCOMPARE(grid.height, 2 * (16 + 1) + 1);
  }

  void comparisonKeepsSamplesForGridsAndHasNoFdOutsideMnist() {
    const TrainedModel run = load_checkpoint(at("checkpoint.pt"), "cpu");
    ComparisonSettings settings;
    settings.K = 5;
    settings.n = 20;
    settings.keep_samples = 9;
    const auto rows = compare_schedules(run, "squares", {ScheduleKind::Learned, ScheduleKind::Uniform,
                                                          ScheduleKind::ElboDp}, settings);
    QCOMPARE(int(rows.size()), 5);  // real, full, learned, uniform, elbo-dp
    for (const ComparisonRow& row : rows) {
      QCOMPARE(row.samples.size(0), int64_t(9));
      QCOMPARE(row.fd, -1.0);
      QVERIFY(std::isfinite(row.swd) && row.swd >= 0.0);
    }
    QVERIFY(rows[3].fidelity > 0.0);  // 5 steps do not reproduce the 50-step chain
    QVERIFY(rows[3].fidelity_swd > 0.0);
    QCOMPARE(rows[1].fidelity_swd, 0.0);  // the full chain against itself
  }

  void wrongImageSizeCannotBorrowWeights() {
    TrainConfig other = image_config(at("squares"));
    other.size = 12;
    EddpmTrainer trainer(other, torch::kCPU);
    try {
      copy_model_weights(at("checkpoint.pt"), trainer);
      QFAIL("copied weights across image sizes");
    } catch (const std::invalid_argument& e) {
      QVERIFY2(std::string(e.what()).find("8x8x1") != std::string::npos, e.what());
    }
  }

  // Needs the real digits (scripts/fetch-mnist); trains the classifier in a scratch copy.
  void fdLenetReachesItsAccuracyAndSeparatesDigitsFromNoise_data() {
    QTest::addColumn<int>("size");
    QTest::newRow("14x14") << 14;
    QTest::newRow("28x28") << 28;
  }
  void fdLenetReachesItsAccuracyAndSeparatesDigitsFromNoise() {
    QFETCH(int, size);
    const fs::path source = default_mnist_dir();
    if (!fs::exists(source / "train-images-idx3-ubyte")) {
      // scripts/test (and so CI) fetches it and sets EDDPM_REQUIRE_MNIST: there a missing set fails.
      if (qEnvironmentVariableIsSet("EDDPM_REQUIRE_MNIST")) QFAIL("MNIST is not in the cache: run scripts/fetch-mnist");
      QSKIP("MNIST is not fetched: run scripts/fetch-mnist");
    }
    if (!fs::exists(at("mnist") / "t10k-labels-idx1-ubyte")) fs::create_directories(at("mnist"));
    for (const char* f : {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"})
      fs::copy_file(source / f, at("mnist") / f, fs::copy_options::overwrite_existing);
    const FdLenet lenet(at("mnist"), size, torch::kCPU);
    qInfo("FD-LeNet %dx%d held-out accuracy: %.3f", size, size, lenet.test_accuracy());
    QVERIFY2(lenet.test_accuracy() >= 0.97, qPrintable(QString::number(lenet.test_accuracy())));
    QVERIFY(fs::exists(lenet.cache_file()));

    const FdLenet cached(at("mnist"), size, torch::kCPU);  // from the cache: the same network
    QCOMPARE(cached.test_accuracy(), lenet.test_accuracy());
    const DatasetPtr digits = load_mnist_dataset(at("mnist"), size, 1);
    at::Generator gen = make_cpu_generator(0);
    const torch::Tensor held_out = digits->held_out(500, gen);
    QVERIFY(torch::allclose(cached.features(held_out), lenet.features(held_out)));

    const double real_vs_real = frechet_distance(lenet.features(digits->sample(500, gen)), lenet.features(held_out));
    const double noise = frechet_distance(lenet.features(torch::rand({500, 1, size, size}, gen) * 2 - 1),
                                          lenet.features(held_out));
    QVERIFY2(noise > 20 * real_vs_real, qPrintable(QString("%1 vs %2").arg(noise).arg(real_vs_real)));
  }
};

QTEST_GUILESS_MAIN(TestImageTraining)
#include "test_image_training.moc"
