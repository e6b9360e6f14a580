#include <torch/torch.h>

#include <QtTest>

#include <QTemporaryDir>
#include <filesystem>
#include <fstream>

#include "dataset.h"
#include "idx_file.h"
#include "image_dataset.h"
#include "image_folder.h"
#include "mnist_files.h"
#include "png_file.h"
#include "rng.h"
#include "train_config.h"

using namespace eddpm;
namespace fs = std::filesystem;

namespace {
void write_bytes(const fs::path& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

// A width x height picture whose left `red_columns` columns are red and the rest blue.
RgbImage red_and_blue(int width, int height, int red_columns) {
  RgbImage image{width, height, std::vector<uint8_t>(size_t(width) * height * 3, 0)};
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) image.pixels[(size_t(y) * width + x) * 3 + (x < red_columns ? 0 : 2)] = 255;
  return image;
}

// A fake MNIST folder: `train` and `test` digits of random pixels and labels.
void write_fake_mnist(const fs::path& dir, int64_t train, int64_t test) {
  fs::create_directories(dir);
  at::Generator gen = make_cpu_generator(3);
  for (auto [prefix, n] : {std::pair<std::string, int64_t>{"train", train}, {"t10k", test}}) {
    write_idx(torch::randint(256, {n, 28, 28}, gen, torch::kLong).to(torch::kUInt8), dir / (prefix + "-images-idx3-ubyte"));
    write_idx(torch::randint(10, {n}, gen, torch::kLong).to(torch::kUInt8), dir / (prefix + "-labels-idx1-ubyte"));
  }
}
}  // namespace

class TestImageData : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  fs::path at(const std::string& name) const { return fs::path(dir_.path().toStdString()) / name; }

 private slots:
  void idxRoundTrip() {
    at::Generator gen = make_cpu_generator(1);
    const torch::Tensor array = torch::randint(256, {5, 7, 3}, gen, torch::kLong).to(torch::kUInt8);
    write_idx(array, at("a.idx"));
    const torch::Tensor back = read_idx(at("a.idx"));
    QCOMPARE(back.sizes().vec(), array.sizes().vec());
    QVERIFY(torch::equal(back, array));
  }

  void idxRejectsTruncatedAndForeignFiles() {
    write_idx(torch::ones({4, 4}, torch::kUInt8), at("b.idx"));
    std::string bytes;
    {
      std::ifstream in(at("b.idx"), std::ios::binary);
      bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    write_bytes(at("truncated.idx"), bytes.substr(0, bytes.size() - 3));
    try {
      read_idx(at("truncated.idx"));
      QFAIL("a truncated IDX file was read");
    } catch (const std::runtime_error& e) {
      QVERIFY2(std::string(e.what()).find("16 bytes") != std::string::npos, e.what());
    }
    std::string floats = bytes;
    floats[2] = 0x0D;  // float32 elements
    write_bytes(at("floats.idx"), floats);
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, read_idx(at("floats.idx")));
    write_bytes(at("text.idx"), "hello");
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, read_idx(at("text.idx")));
  }

  void mnistFolderLoadsScaledAndResized() {
    write_fake_mnist(at("mnist"), 20, 10);
    const MnistSplit split = load_mnist_split(at("mnist"), true);
    QCOMPARE(split.images.sizes().vec(), (std::vector<int64_t>{20, 1, 28, 28}));
    const DatasetPtr full = load_mnist_dataset(at("mnist"), 28, 1);
    const auto& images = dynamic_cast<const ImageDataset&>(*full);
    // 0 -> -1 and 255 -> 1, pixel for pixel.
    QVERIFY(torch::allclose(images.train_images(), split.images.to(torch::kFloat32) / 127.5 - 1.0));
    QCOMPARE(images.test_images().size(0), int64_t(10));

    const DatasetPtr small = load_mnist_dataset(at("mnist"), 14, 3);
    QCOMPARE(small->sample_shape(), (std::vector<int64_t>{3, 14, 14}));
    // 14x14 is the mean of each 2x2 block.
    const torch::Tensor block = split.images[0][0].slice(0, 0, 2).slice(1, 0, 2).to(torch::kFloat32) / 127.5 - 1.0;
    const auto& small_images = dynamic_cast<const ImageDataset&>(*small);
    QVERIFY(std::abs(small_images.train_images()[0][2][0][0].item<double>() - block.mean().item<double>()) < 1e-5);
    at::Generator gen = make_cpu_generator(0);
    const torch::Tensor held_out = small->held_out(10, gen);
    QCOMPARE(std::get<0>(torch::_unique(held_out.reshape({10, -1}).sum(1))).size(0), int64_t(10));  // no repeats
  }

  void missingMnistSaysHowToFetchIt() {
    try {
      load_mnist_dataset(at("nowhere"), 28, 1);
      QFAIL("loaded MNIST from an empty place");
    } catch (const std::invalid_argument& e) {
      QVERIFY2(std::string(e.what()).find("scripts/fetch-mnist") != std::string::npos, e.what());
    }
  }

  void folderSkipsBrokenFilesAndCropsTheCentre() {
    const fs::path folder = at("pictures");
    fs::create_directories(folder / "sub");
    for (int i = 0; i < 24; ++i) save_png(red_and_blue(30, 20, 5), folder / ("p" + std::to_string(i) + ".png"));
    save_png(red_and_blue(30, 20, 5), folder / "sub" / "nested.png");
    std::string png;
    {
      std::ifstream in(folder / "p0.png", std::ios::binary);
      png.assign(std::istreambuf_iterator<char>(in), {});
    }
    write_bytes(folder / "truncated.png", png.substr(0, png.size() / 2));
    write_bytes(folder / "notes.txt", "not an image");
    write_bytes(folder / "empty.jpg", "");

    const FolderScan scan = load_image_folder(folder, 16, 3);
    QCOMPARE(scan.loaded, int64_t(25));
    QCOMPARE(int(scan.skipped.size()), 3);
    const auto& images = dynamic_cast<const ImageDataset&>(*scan.dataset);
    QCOMPARE(images.train_images().size(0) + images.test_images().size(0), int64_t(25));
    QCOMPARE(images.test_images().size(0), int64_t(2));  // every 10th
    QCOMPARE(scan.dataset->sample_shape(), (std::vector<int64_t>{3, 16, 16}));
    // The centre 20x20 square of a 30x20 picture starts at column 5: all blue, no red left.
    const torch::Tensor first = images.train_images()[0];
    QVERIFY(torch::allclose(first[0], torch::full({16, 16}, -1.0f)));
    QVERIFY(torch::allclose(first[2], torch::full({16, 16}, 1.0f)));

    const FolderScan gray = load_image_folder(folder, 8, 1);
    QCOMPARE(gray.dataset->sample_shape(), (std::vector<int64_t>{1, 8, 8}));
  }

  void emptyOrMissingFoldersAreClearErrors() {
    fs::create_directories(at("empty"));
    fs::create_directories(at("text_only"));
    write_bytes(at("text_only") / "readme.md", "# nothing");
    const std::vector<std::pair<fs::path, std::string>> cases = {
        {at("empty"), "it is empty"}, {at("text_only"), "readme.md"}, {at("missing"), "does not exist"}};
    for (const auto& [folder, reason] : cases) {
      try {
        load_image_folder(folder, 16, 3);
        QFAIL("loaded an image-less folder");
      } catch (const std::invalid_argument& e) {
        QVERIFY2(std::string(e.what()).find(reason) != std::string::npos, e.what());
      }
    }
  }

  void configNamesTheDataSet() {
    TrainConfig c;
    c.data = "folder:" + at("pictures").string();
    c.model = "tiny";
    c.size = 16;
    validate(c);
    QCOMPARE(make_dataset(c)->sample_shape(), (std::vector<int64_t>{3, 16, 16}));
    c.model = "mlp";
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, validate(c));
    c.data = "moons";
    c.model = "tiny";
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, validate(c));
    c.model = "mlp";
    QCOMPARE(make_dataset(c)->sample_shape(), (std::vector<int64_t>{2}));
  }
};

QTEST_GUILESS_MAIN(TestImageData)
#include "test_image_data.moc"
