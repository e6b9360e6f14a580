// Data-parallel training over c10d: torchrun's variables, the collectives between two real
// processes on 127.0.0.1 (this program started again as a worker), gradients averaged into the
// whole batch's, and two workers that train as one process does.
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <csignal>
#include <sys/types.h>
#include <unistd.h>

#include "collective.h"
#include "eddpm_trainer.h"
#include "model_factory.h"
#include "model_update.h"
#include "process_place.h"
#include "rng.h"

using namespace eddpm;

namespace {

std::chrono::milliseconds worker_timeout() {
  const char* ms = std::getenv("EDDPM_TEST_TIMEOUT_MS");
  return std::chrono::milliseconds(ms ? std::atoi(ms) : 60000);
}

// Worker: average, broadcast, gather and any between the ranks; prints what disagrees.
int collectives_worker() {
  const ProcessPlace place = process_place_from_environment();
  auto group = Collective::join(place, c10::Device(c10::kCPU), Backend::Gloo, worker_timeout());
  const double r = group->rank();
  torch::Tensor f = torch::full({3}, float(r + 1));
  torch::Tensor d = torch::full({2, 2}, r * 10.0, torch::kFloat64);
  group->average({f, d});
  torch::Tensor b = torch::full({4}, r + 5.0, torch::kFloat64);
  group->broadcast({b});
  const torch::Tensor rows = group->gather_rows(torch::full({1, 2}, r, torch::kFloat64));
  const bool any_from_rank1 = group->any(r == 1);
  const bool none = group->any(false);
  const bool ok = torch::allclose(f, torch::full({3}, 1.5f)) && torch::allclose(d, torch::full({2, 2}, 5.0, torch::kFloat64)) &&
                  torch::equal(b, torch::full({4}, 5.0, torch::kFloat64)) &&
                  torch::equal(rows, torch::tensor({0.0, 0.0, 1.0, 1.0}, torch::kFloat64).view({2, 2})) && any_from_rank1 &&
                  !none;
  std::printf("collectives %s\n", ok ? "ok" : "wrong");
  return ok ? 0 : 1;
}

// Worker: each rank's half of one batch through ModelUpdate with the gradients averaged, against
// the whole batch's gradient on the same weights; prints the largest difference.
int gradients_worker() {
  const ProcessPlace place = process_place_from_environment();
  auto group = Collective::join(place, c10::Device(c10::kCPU), Backend::Gloo, worker_timeout());
  TrainConfig config;
  std::shared_ptr<EpsModel> model, reference;
  {
    const DefaultGeneratorScope same(c10::kCPU, 3);
    model = make_model(config, {2}, c10::kCPU);
  }
  {
    const DefaultGeneratorScope same(c10::kCPU, 3);
    reference = make_model(config, {2}, c10::kCPU);
  }
  at::Generator gen = make_cpu_generator(11);  // the same batch on every rank
  const torch::Tensor x = torch::randn({16, 2}, gen, torch::kFloat32);
  const torch::Tensor t = torch::randint(0, 1000, {16}, gen, torch::kLong);
  const torch::Tensor target = torch::randn({16, 2}, gen, torch::kFloat32);
  ModelUpdate update(model, nullptr, 0.0, 0.0, 0.0);  // lr 0: the gradient is left, the weights stay
  update.average_gradients_over(group.get());
  const int64_t half = 16 / group->size();
  const auto mine = [&](const torch::Tensor& all) { return all.narrow(0, group->rank() * half, half); };
  update.minimize((model->forward(mine(x), mine(t)) - mine(target)).pow(2).mean(), 0);
  (reference->forward(x, t) - target).pow(2).mean().backward();
  double worst = 0.0, size = 0.0;
  const auto a = model->parameters(), b = reference->parameters();
  for (size_t i = 0; i < a.size(); ++i) {
    worst = std::max(worst, (a[i].grad() - b[i].grad()).abs().max().item<double>());
    size = std::max(size, b[i].grad().abs().max().item<double>());
  }
  std::printf("gradient difference %.3g of %.3g\n", worst, size);
  return 0;
}

// Worker: 30 iterations of EDDPM on moons, with the loss reward or (`rollouts`) the data reward of
// three masks a rollout, split over the ranks unevenly. Every iteration the ranks' mask
// probabilities are compared bit for bit; at the end, the weights' and the mask's sums.
int training_worker(bool rollouts) {
  const ProcessPlace place = process_place_from_environment();
  std::shared_ptr<Collective> group = Collective::join(place, c10::Device(c10::kCPU), Backend::Gloo, worker_timeout());
  TrainConfig config;
  config.iters = 30;
  config.batch = 32;
  config.warmup = 5;
  config.ramp_end = 25;
  config.keep = 0.5;
  config.beta.T = 50;
  if (rollouts) {
    config.reward = Reward::Data;
    config.masks_per_iter = 3;
    config.pool = 64;
  }
  EddpmTrainer trainer(config, c10::kCPU, nullptr, group);
  for (int i = 0; i < 30; ++i) {
    trainer.step();
    const std::vector<double> p = trainer.mask_probabilities();
    const torch::Tensor all = group->gather_rows(torch::tensor(p, torch::kFloat64).unsqueeze(0));
    for (int r = 1; r < group->size(); ++r)
      if (!torch::equal(all[r], all[0])) std::printf("mask differs at iteration %d\n", i + 1);
  }
  const TrainSnapshot snap = trainer.take_snapshot();
  double weights = 0.0;
  for (const auto& p : trainer.model().parameters()) weights += p.to(torch::kFloat64).sum().item<double>();
  double s = 0.0;
  for (double v : snap.s) s += v;
  std::printf("digest %.17g %.17g %.17g\n", weights, s, snap.loss);
  return 0;
}

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

struct Worker {
  int exit_code = -1;
  QString out, err;
};

// Starts `ranks` of `world` ranks of this program as `mode` workers and waits for all of them.
std::vector<Worker> run_workers(const QString& mode, int ranks, int world, int timeout_ms = 60000) {
  const int port = free_port();
  std::vector<std::unique_ptr<QProcess>> processes;
  for (int rank = 0; rank < ranks; ++rank) {
    auto p = std::make_unique<QProcess>();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("RANK", QString::number(rank));
    env.insert("WORLD_SIZE", QString::number(world));
    env.insert("MASTER_ADDR", "127.0.0.1");
    env.insert("MASTER_PORT", QString::number(port));
    env.insert("EDDPM_THREADS", "1");
    env.insert("EDDPM_TEST_TIMEOUT_MS", QString::number(timeout_ms));
    p->setProcessEnvironment(env);
    p->start(QCoreApplication::applicationFilePath(), {"--worker", mode});
    processes.push_back(std::move(p));
  }
  std::vector<Worker> workers;
  for (auto& p : processes) {
    const bool ended = p->waitForFinished(timeout_ms + 120000);
    Worker w;
    w.exit_code = ended && p->exitStatus() == QProcess::NormalExit ? p->exitCode() : -1;
    if (!ended) p->kill();
    w.out = QString::fromUtf8(p->readAllStandardOutput());
    w.err = QString::fromUtf8(p->readAllStandardError());
    workers.push_back(w);
  }
  return workers;
}

struct CliResult {
  int code = -1;
  QString out, err;
};

CliResult run_eddpm(const QStringList& args) {
  QProcess p;
  p.start(EDDPM_CLI_PATH, args);
  CliResult r;
  if (!p.waitForFinished(300000)) {
    p.kill();
    p.waitForFinished();
    r.err = "timed out";
    return r;
  }
  r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
  r.out = QString::fromUtf8(p.readAllStandardOutput());
  r.err = QString::fromUtf8(p.readAllStandardError());
  return r;
}

int lines_of(const QString& file) {
  QFile f(file);
  if (!f.open(QIODevice::ReadOnly)) return -1;
  return f.readAll().count('\n');
}

// The process IDs of `pid`'s children, oldest first (Linux).
QStringList children_of(qint64 pid) {
  QFile f(QString("/proc/%1/task/%1/children").arg(pid));
  if (!f.open(QIODevice::ReadOnly)) return {};
  return QString::fromUtf8(f.readAll()).split(' ', Qt::SkipEmptyParts);
}

}  // namespace

class TestDistributed : public QObject {
  Q_OBJECT

 private slots:
  void processPlaceReadsTorchrunVariables() {
    std::map<std::string, std::string> env;
    const auto lookup = [&](const char* name) -> const char* {
      const auto it = env.find(name);
      return it == env.end() ? nullptr : it->second.c_str();
    };
    ProcessPlace alone = process_place_from(lookup);
    QVERIFY(!alone.distributed());
    QCOMPARE(alone.rank, 0);
    env = {{"RANK", "3"}, {"WORLD_SIZE", "4"}, {"LOCAL_RANK", "1"}, {"MASTER_ADDR", "10.0.0.2"}, {"MASTER_PORT", "29611"}};
    const ProcessPlace place = process_place_from(lookup);
    QVERIFY(place.distributed());
    QCOMPARE(place.rank, 3);
    QCOMPARE(place.world_size, 4);
    QCOMPARE(place.local_rank, 1);
    QCOMPARE(place.master_addr, std::string("10.0.0.2"));
    QCOMPARE(place.master_port, 29611);
    const ProcessPlace again = process_place_from([&](const char* name) -> const char* {
      for (const std::string& v : process_place_variables(place))
        if (v.rfind(std::string(name) + "=", 0) == 0) return strdup(v.c_str() + std::strlen(name) + 1);
      return nullptr;
    });
    QCOMPARE(again.rank, 3);
    QCOMPARE(again.master_port, 29611);
    env["RANK"] = "4";
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, process_place_from(lookup));
    env["RANK"] = "1";
    env["MASTER_PORT"] = "port";
    try {
      process_place_from(lookup);
      QFAIL("a port that is no number was taken");
    } catch (const std::invalid_argument& e) {
      QVERIFY2(std::string(e.what()).find("MASTER_PORT") != std::string::npos, e.what());
    }
  }

  void collectivesAgreeBetweenTwoProcesses() {
    const auto workers = run_workers("collectives", 2, 2);
    for (const Worker& w : workers) {
      QVERIFY2(w.exit_code == 0, qPrintable(w.err));
      QVERIFY2(w.out.contains("collectives ok"), qPrintable(w.out + w.err));
    }
  }

  void averagedGradientsAreTheWholeBatchs() {
    const auto workers = run_workers("gradients", 2, 2);
    for (const Worker& w : workers) {
      QVERIFY2(w.exit_code == 0, qPrintable(w.err));
      double difference = -1.0, size = 0.0;
      QVERIFY2(std::sscanf(w.out.toUtf8().constData(), "gradient difference %lf of %lf", &difference, &size) == 2,
               qPrintable(w.out));
      QVERIFY2(size > 1e-3, "the gradient is too small to tell");
      QVERIFY2(difference <= 1e-6 * size, qPrintable(w.out));
    }
  }

  // Two workers with the global batch split follow one process: the same draws, each rank's half
  // through the network, gradients averaged. The mask is the same on both bit for bit every
  // iteration; weights, mask and loss match one process's up to the order of the sums.
  void twoWorkersFollowOneProcess_data() {
    QTest::addColumn<QString>("mode");
    QTest::newRow("loss reward") << "training";
    QTest::newRow("rollouts, three masks over two ranks") << "rollouts";
  }
  void twoWorkersFollowOneProcess() {
    QFETCH(QString, mode);
    const auto ranks = run_workers(mode, 2, 2);
    const auto alone = run_workers(mode, 1, 1);
    for (const Worker& w : ranks) QVERIFY2(w.exit_code == 0, qPrintable(w.err));
    QVERIFY2(alone[0].exit_code == 0, qPrintable(alone[0].err));
    QVERIFY2(!ranks[0].out.contains("differs"), qPrintable(ranks[0].out));
    double two[3], one[3];
    QVERIFY2(std::sscanf(ranks[0].out.toUtf8().constData(), "digest %lf %lf %lf", &two[0], &two[1], &two[2]) == 3,
             qPrintable(ranks[0].out));
    QVERIFY2(std::sscanf(alone[0].out.toUtf8().constData(), "digest %lf %lf %lf", &one[0], &one[1], &one[2]) == 3,
             qPrintable(alone[0].out));
    QCOMPARE(ranks[1].out, ranks[0].out);
    for (int i = 0; i < 3; ++i)
      QVERIFY2(std::abs(two[i] - one[i]) <= 1e-4 * std::max(1.0, std::abs(one[i])),
               qPrintable(QString("two workers %1, one process %2").arg(ranks[0].out.trimmed(), alone[0].out.trimmed())));
  }

  // As a user runs it: `eddpm train --nproc 2` trains in two workers into one run folder, which
  // resumes in one process; a folder that is there already is refused before any worker starts.
  void trainWithTwoWorkersThenResumeInOne() {
    QTemporaryDir dir;
    const QString run = dir.filePath("run");
    const QStringList train = {"train", "--data", "moons", "--T", "50", "--steps-kept", "5", "--iters", "60", "--batch", "32",
                               "--log-every", "10", "--device", "cpu", "--no-verdict", "--quiet", "--nproc", "2", "--out", run};
    CliResult r = run_eddpm(train);
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY2(r.err.contains("Starting 2 workers") && r.err.contains("on 2 data-parallel processes"), qPrintable(r.err));
    QCOMPARE(r.err.count("Training on moons"), 1);  // worker 1 is silent
    QCOMPARE(lines_of(run + "/metrics.jsonl"), 6);
    QVERIFY(QFileInfo::exists(run + "/schedule_learned.json"));
    r = run_eddpm(train);
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("--overwrite") && !r.err.contains("Starting"), qPrintable(r.err));
    r = run_eddpm({"train", "--resume", run, "--iters", "80", "--quiet", "--no-verdict"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY2(r.err.contains("at iteration 60"), qPrintable(r.err));
    QCOMPARE(lines_of(run + "/metrics.jsonl"), 8);
    r = run_eddpm({"train", "--data", "moons", "--batch", "33", "--nproc", "2", "--iters", "5", "--quiet", "--out", dir.filePath("odd")});
    QVERIFY(r.code != 0);
    QVERIFY2(r.err.contains("global batch") && r.err.contains("worker"), qPrintable(r.err));
  }

  // A worker killed mid-run: the others stop with one line naming it, the checkpoint already saved
  // is intact, and the run resumes from it.
  void aKilledWorkerEndsTheRunAndItResumes() {
    QTemporaryDir dir;
    const QString run = dir.filePath("run");
    QProcess launcher;
    launcher.start(EDDPM_CLI_PATH, {"train", "--data", "moons", "--T", "50", "--steps-kept", "5", "--iters", "1000000",
                                    "--batch", "32", "--device", "cpu", "--quiet", "--nproc", "2", "--out", run});
    QVERIFY(launcher.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(run + "/checkpoint.pt"), 60000);  // saved as the run starts
    const QStringList workers = children_of(launcher.processId());
    QCOMPARE(workers.size(), 2);
    QVERIFY(::kill(pid_t(workers[1].toLongLong()), SIGKILL) == 0);
    QVERIFY(launcher.waitForFinished(120000));
    QVERIFY(launcher.exitCode() != 0);
    const QString err = QString::fromUtf8(launcher.readAllStandardError());
    QVERIFY2(err.contains("worker 1 ended with signal"), qPrintable(err));
    const CliResult r = run_eddpm({"train", "--resume", run, "--iters", "20", "--quiet", "--no-verdict"});
    QVERIFY2(r.code == 0 || r.err.contains("not past the checkpoint"), qPrintable(r.err));
    const CliResult sampled = run_eddpm({"sample", "--checkpoint", run + "/checkpoint.pt", "--schedule", "uniform:5", "--n", "10",
                                     "--out", dir.filePath("after-kill.csv")});
    QVERIFY2(sampled.code == 0, qPrintable(sampled.err));
  }

  // A rank that never comes: the others fail with a message that names the wait, not hang.
  void aMissingRankIsNamed() {
    const auto workers = run_workers("collectives", 1, 2, 2000);
    QVERIFY(workers[0].exit_code != 0);
    QVERIFY2(workers[0].err.contains("within 2 s"), qPrintable(workers[0].err));
  }
};

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--worker") {
    const std::string mode = argv[2];
    torch::set_num_threads(1);  // two ranks share the machine's cores
    try {
      if (mode == "collectives") return collectives_worker();
      if (mode == "gradients") return gradients_worker();
      if (mode == "training") return training_worker(false);
      if (mode == "rollouts") return training_worker(true);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "error: %s\n", e.what());
      return 1;
    }
    return 2;
  }
  QCoreApplication app(argc, argv);
  TestDistributed test;
  return QTest::qExec(&test, argc, argv);
}

#include "test_distributed.moc"
