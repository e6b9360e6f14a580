#include <caffe2/serialize/inline_container.h>
#include <torch/script.h>
#include <torch/torch.h>

#include <QtTest>

#include <QTemporaryDir>
#include <filesystem>
#include <fstream>

#include "checkpoint.h"
#include "training_checkpoint.h"
#include "eddpm_trainer.h"
#include "mlp_denoiser.h"
#include "model_export.h"
#include "unet.h"
#include "noise_schedule.h"
#include "training_run.h"
#include "torchscript_model.h"

using namespace eddpm;
namespace fs = std::filesystem;

namespace {
TrainConfig torchscript_config(const std::string& file) {
  TrainConfig c;
  c.beta = {BetaKind::Linear, 100, 1e-4, 0.02};
  c.model = "torchscript";
  c.model_file = file;
  c.freeze_model = true;
  c.keep = 0.1;
  c.iters = 40;
  c.warmup = 0;
  c.ramp_end = 30;
  c.batch = 64;
  c.device = "cpu";
  return c;
}
}  // namespace

class TestTorchScriptModel : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  std::string at(const char* name) const { return (fs::path(dir_.path().toStdString()) / name).string(); }

 private slots:
  // The product's TorchScript export (eddpm export) computes what the C++ module computes.
  void importMatchesTheSameModuleInCpp() {
    torch::manual_seed(0);
    MlpDenoiser mlp;
    torchscript_copy(mlp).save(at("mlp.ts"));
    TorchScriptModel imported(at("mlp.ts"), {2}, 1000, torch::kCPU);
    torch::NoGradGuard no_grad;
    const torch::Tensor x = torch::randn({32, 2});
    const torch::Tensor t = torch::randint(1000, {32}, torch::kLong);
    const torch::Tensor expected = mlp.forward(x, t);
    QVERIFY(expected.abs().sum().item<double>() > 0.0);
    QVERIFY(torch::allclose(imported.forward(x, t), expected, 1e-5, 1e-6));
  }

  // The U-Nets too: odd sizes (14 -> 7 -> 4 and back), a skip convolution, attention (small).
  void unetImportMatchesTheSameModuleInCpp_data() {
    QTest::addColumn<QString>("preset");
    QTest::addColumn<int>("channels");
    QTest::addColumn<int>("size");
    QTest::newRow("tiny 1x14x14") << "tiny" << 1 << 14;
    QTest::newRow("small 3x8x8") << "small" << 3 << 8;
  }
  void unetImportMatchesTheSameModuleInCpp() {
    QFETCH(QString, preset);
    QFETCH(int, channels);
    QFETCH(int, size);
    torch::manual_seed(1);
    UNet unet(preset.toStdString(), {channels, size, size});
    {
      torch::NoGradGuard no_grad;  // the output layer starts at zero: give it weights to carry
      for (auto& p : unet.named_parameters())
        if (p.key().rfind("conv_out", 0) == 0) p.value().normal_(0.0, 0.1);
    }
    const std::string file = at(("unet-" + preset.toStdString() + ".ts").c_str());
    save_torchscript(unet, file);
    TorchScriptModel imported(file, {channels, size, size}, 1000, torch::kCPU);
    torch::NoGradGuard no_grad;
    const torch::Tensor x = torch::randn({4, channels, size, size});
    const torch::Tensor t = torch::tensor({0, 10, 500, 999}, torch::kLong);
    const torch::Tensor expected = unet.forward(x, t);
    QVERIFY(expected.abs().mean().item<double>() > 1e-3);
    const double error = (imported.forward(x, t) - expected).abs().max().item<double>();
    QVERIFY2(error < 1e-4 * std::max(1.0, expected.abs().max().item<double>()), qPrintable(QString::number(error)));
  }

  // A model that outputs x0 or v (diffusers' v_prediction) is the same noise predictor once
  // converted at the boundary: here the MLP's eps turned into v and x0 inside TorchScript.
  void x0AndVModelsAreConvertedToEps() {
    torch::manual_seed(2);
    MlpDenoiser mlp;
    const NoiseSchedule noise({BetaKind::Linear, 1000, 1e-4, 0.02});
    std::string eps_source = mlp_torchscript_source();
    eps_source.replace(eps_source.find("def forward("), 12, "def eps_of(");
    for (const std::string prediction : {"v", "x0"}) {
      torch::jit::Module module = torchscript_copy(mlp);
      torch::jit::Module wrapped("Predicts_" + prediction);
      for (const auto& p : module.named_parameters(false)) wrapped.register_parameter(p.name, p.value, false);
      wrapped.register_buffer("abar", torch::tensor(noise.alpha_bars(), torch::kFloat64).to(torch::kFloat32));
      wrapped.define(eps_source + R"JIT(
def forward(self, x, t):
    e = self.eps_of(x, t)
    a = self.abar[t].unsqueeze(1)
    x0 = (x - torch.sqrt(1 - a) * e) / torch.sqrt(a)
)JIT" + (prediction == "v" ? "    return torch.sqrt(a) * e - torch.sqrt(1 - a) * x0\n" : "    return x0\n"));
      const std::string file = at(("predicts_" + prediction + ".ts").c_str());
      wrapped.save(file);
      TorchScriptModel imported(file, {2}, 1000, torch::kCPU, prediction, noise.alpha_bars());
      torch::NoGradGuard no_grad;
      const torch::Tensor x = torch::randn({32, 2});
      const torch::Tensor t = torch::randint(1, 1000, {32}, torch::kLong);  // x0 at t = 0 divides by 0.01
      QVERIFY2(torch::allclose(imported.forward(x, t), mlp.forward(x, t), 1e-3, 1e-4), prediction.c_str());
      TorchScriptModel as_eps(file, {2}, 1000, torch::kCPU);  // read as eps, it is not
      QVERIFY(!torch::allclose(as_eps.forward(x, t), mlp.forward(x, t), 1e-2, 1e-2));
    }
  }

  void wrongSignatureOrShapeIsRefusedWithTheReason() {
    torch::jit::Module one_argument("OneArgument");
    one_argument.define("def forward(self, x):\n    return x\n");
    one_argument.save(at("one_argument.ts"));
    torch::jit::Module wrong_shape("WrongShape");
    wrong_shape.define("def forward(self, x, t):\n    return x.sum(1)\n");
    wrong_shape.save(at("wrong_shape.ts"));
    std::ofstream(at("text.ts")) << "def forward(self, x, t): return x";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {at("one_argument.ts"), "forward(x, t) fails"},
        {at("wrong_shape.ts"), "expected [2, 2]"},
        {at("text.ts"), "not a TorchScript model"},
        {at("missing.ts"), "not a TorchScript model"}};
    for (const auto& [file, reason] : cases) {
      try {
        TorchScriptModel model(file, {2}, 1000, torch::kCPU);
        QFAIL(("accepted " + file).c_str());
      } catch (const std::invalid_argument& e) {
        QVERIFY2(std::string(e.what()).find(reason) != std::string::npos, e.what());
      }
    }
  }

  void masksLearnOnAFrozenImportedModelAndTheRunReloads() {
    torch::manual_seed(1);
    MlpDenoiser mlp;
    torchscript_copy(mlp).save(at("frozen.ts"));
    EddpmTrainer trainer(torchscript_config(at("frozen.ts")), torch::kCPU);
    for (int i = 0; i < 40; ++i) trainer.step();
    const std::vector<double> s = trainer.mask_probabilities();
    QVERIFY(std::accumulate(s.begin(), s.end(), 0.0) < 10.5);  // the budget was enforced
    save_checkpoint(trainer, at("checkpoint.pt"));
    std::string warning;
    const TrainedModel reloaded = load_checkpoint(at("checkpoint.pt"), "cpu", [&](const std::string& w) { warning = w; });
    QVERIFY(warning.find("run the code") != std::string::npos);
    QCOMPARE(reloaded.mask, s);
    torch::NoGradGuard no_grad;
    const torch::Tensor x = torch::randn({8, 2});
    const torch::Tensor t = torch::randint(100, {8}, torch::kLong);
    QVERIFY(torch::allclose(reloaded.model->forward(x, t), mlp.forward(x, t), 1e-5, 1e-6));
  }

  // A LibTorch archive may carry methods that run while it loads (__setstate__): a "checkpoint"
  // with any code is refused before LibTorch reads it.
  void aCheckpointCarryingCodeIsNotLoaded() {
    torch::jit::Module with_code("WithCode");
    with_code.register_attribute("format", c10::TensorType::get(), torch::zeros({1}));
    with_code.define("def forward(self, x):\n    return x\n");
    with_code.save(at("with_code.pt"));
    try {
      load_checkpoint(at("with_code.pt"), "cpu");
      QFAIL("an archive with code was loaded");
    } catch (const std::runtime_error& e) {
      QVERIFY2(std::string(e.what()).find("holds TorchScript code") != std::string::npos, e.what());
    }
  }

  // A checkpoint whose class declarations were altered (what the fuzzer made of one, which crashed
  // LibTorch's TorchScript parser) is refused before LibTorch parses it, also where the altered
  // record is named "Code/..." (LibTorch finds records ignoring case); the untouched copy loads.
  void aCheckpointWithAlteredDeclarationsIsNotParsed() {
    TrainConfig c = torchscript_config("");
    c.model = "mlp";
    c.model_file.clear();
    c.freeze_model = false;
    EddpmTrainer trainer(c, torch::kCPU);
    save_checkpoint(trainer, at("intact.pt"));
    caffe2::serialize::PyTorchStreamReader reader(at("intact.pt"));
    enum class Copy { intact, altered, altered_named_in_capitals };
    auto copy = [&](const std::string& path, Copy how) {
      caffe2::serialize::PyTorchStreamWriter writer(path);
      bool altered = false;
      for (std::string name : reader.getAllRecords()) {
        const auto record = reader.getRecord(name);
        std::string bytes(static_cast<const char*>(std::get<0>(record).get()), std::get<1>(record));
        const size_t at_parameters = bytes.find("__parameters__");
        const size_t at_code = name.find("code/");
        if (how != Copy::intact && !altered && at_code != std::string::npos && at_parameters != std::string::npos) {
          bytes.replace(at_parameters, 14, "amsgradeters__");
          if (how == Copy::altered_named_in_capitals) name.replace(at_code, 5, "Code/");
          altered = true;
        }
        writer.writeRecord(name, bytes.data(), bytes.size());
      }
      writer.writeEndOfFile();
      return altered;
    };
    QVERIFY(!copy(at("copy.pt"), Copy::intact));
    QCOMPARE(load_checkpoint(at("copy.pt"), "cpu").mask, trainer.mask_probabilities());
    for (const Copy how : {Copy::altered, Copy::altered_named_in_capitals}) {
      const std::string file = at(how == Copy::altered ? "altered.pt" : "altered_capitals.pt");
      QVERIFY(copy(file, how));
      try {
        load_checkpoint(file, "cpu");
        QFAIL(qPrintable(QString::fromStdString(file) + ": an altered archive was parsed"));
      } catch (const std::runtime_error& e) {
        QVERIFY2(std::string(e.what()).find("holds TorchScript code") != std::string::npos, e.what());
      }
    }
  }

  // A LibTorch error in the middle of a run (here a model that fails on its 20th call, as a GPU
  // out of memory would) ends the run with the error, and the checkpoint on disk still loads on
  // the CPU to continue from.
  void aLibTorchErrorMidRunLeavesTheCheckpointToResumeFrom() {
    torch::jit::Module failing("FailsLater");
    failing.register_attribute("calls", c10::IntType::get(), int64_t(0));
    failing.define(R"JIT(
def forward(self, x, t):
    self.calls += 1
    if self.calls > 20:
        return torch.mm(x, torch.zeros(3, 3))
    return x
)JIT");
    failing.save(at("fails_later.ts"));
    TrainConfig c = torchscript_config(at("fails_later.ts"));
    c.iters = 30;
    c.log_every = 5;
    EddpmTrainer trainer(c, torch::kCPU);
    const std::filesystem::path run = at("failing_run");
    std::string error;
    try {
      run_training(trainer, run);
    } catch (const std::exception& e) {  // the CLI and the explorer report it with the way to resume
      error = e.what();
    }
    QVERIFY2(error.find("TorchScript interpreter") != std::string::npos, error.c_str());
    QVERIFY(trainer.iteration() < 30);
    const auto resumed = resume_training(run / "checkpoint.pt", "cpu");
    QVERIFY(resumed->device().is_cpu());
    QVERIFY(resumed->iteration() <= trainer.iteration());
    QCOMPARE(int(resumed->mask_probabilities().size()), 100);
  }
};

QTEST_GUILESS_MAIN(TestTorchScriptModel)
#include "test_torchscript_model.moc"
