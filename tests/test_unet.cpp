#include <torch/torch.h>

#include <QtTest>

#include "rng.h"
#include "unet.h"

using namespace eddpm;

namespace {
// The output convolution starts at zero (the model starts as the zero predictor); give it weights
// so that gradients reach the layers below.
void wake_output_layer(UNet& net) {
  torch::NoGradGuard no_grad;
  for (auto& item : net.named_parameters())
    if (item.key().rfind("conv_out", 0) == 0) item.value().normal_(0.0, 0.1);
}
}  // namespace

class TestUNet : public QObject {
  Q_OBJECT

 private slots:
  void outputHasTheInputShape_data() {
    QTest::addColumn<QString>("preset");
    QTest::addColumn<int>("channels");
    QTest::addColumn<int>("size");
    QTest::newRow("tiny 14x14 gray") << "tiny" << 1 << 14;
    QTest::newRow("tiny 28x28 gray") << "tiny" << 1 << 28;
    QTest::newRow("tiny 16x16 rgb") << "tiny" << 3 << 16;
    QTest::newRow("tiny odd 13x13") << "tiny" << 1 << 13;
    QTest::newRow("small 8x8 rgb") << "small" << 3 << 8;
  }
  void outputHasTheInputShape() {
    QFETCH(QString, preset);
    QFETCH(int, channels);
    QFETCH(int, size);
    torch::manual_seed(0);
    UNet net(preset.toStdString(), {channels, size, size});
    const torch::Tensor x = torch::randn({3, channels, size, size});
    const torch::Tensor t = torch::tensor({0, 500, 999}, torch::kLong);
    QCOMPARE(net.forward(x, t).sizes().vec(), x.sizes().vec());
  }

  void gradientReachesEveryParameter() {
    torch::manual_seed(1);
    UNet net("small", {1, 8, 8});  // small has attention: check it too
    wake_output_layer(net);
    const torch::Tensor x = torch::randn({4, 1, 8, 8});
    const torch::Tensor t = torch::tensor({1, 10, 100, 900}, torch::kLong);
    (net.forward(x, t) - torch::randn({4, 1, 8, 8})).pow(2).mean().backward();
    for (const auto& item : net.named_parameters()) {
      QVERIFY2(item.value().grad().defined(), item.key().c_str());
      QVERIFY2(item.value().grad().abs().sum().item<double>() > 0.0, item.key().c_str());
    }
  }

  void outputDependsOnTheTimestep() {
    torch::manual_seed(2);
    UNet net("tiny", {1, 14, 14});
    wake_output_layer(net);
    torch::NoGradGuard no_grad;
    const torch::Tensor x = torch::randn({1, 1, 14, 14}).repeat({2, 1, 1, 1});
    const torch::Tensor out = net.forward(x, torch::tensor({10, 900}, torch::kLong));
    QVERIFY((out[0] - out[1]).abs().max().item<double>() > 1e-4);
  }

  void presetsHaveTheirDocumentedSizes() {
    UNet tiny("tiny", {1, 28, 28});
    UNet small("small", {1, 28, 28});
    // docs/MNIST.md's table, to the parameter.
    QCOMPARE(parameter_count(tiny), int64_t(382913));
    QCOMPARE(parameter_count(small), int64_t(3456385));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, UNet("huge", {1, 28, 28}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, UNet("tiny", {2}));
  }
};

QTEST_GUILESS_MAIN(TestUNet)
#include "test_unet.moc"
