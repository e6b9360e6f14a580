#include <torch/torch.h>

#include <QtTest>

#include <QProcess>
#include <QTemporaryDir>
#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <vector>

#include <nlohmann/json.hpp>

#include "atomic_file.h"
#include "metrics_row.h"
#include "checkpoint.h"
#include "mask_semantics.h"
#include "training_checkpoint.h"
#include "handcrafted_schedules.h"
#include "png_file.h"
#include "schedule_file.h"
#include "schedule_import.h"
#include "sha256.h"

using namespace eddpm;
namespace fs = std::filesystem;

// Every fsync(2) this process makes, by the file's inode, in order: this executable's definition
// takes the calls of the statically linked writers, then forwards them to the C library.
struct Synced {
  ino_t inode;
  bool folder;
};
std::mutex synced_mutex;
std::vector<Synced> synced;

extern "C" int fsync(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) == 0) {
    std::lock_guard<std::mutex> lock(synced_mutex);
    synced.push_back({st.st_ino, S_ISDIR(st.st_mode)});
  }
  static auto real = reinterpret_cast<int (*)(int)>(::dlsym(RTLD_NEXT, "fsync"));
  return real(fd);
}

namespace {
ino_t inode_of(const std::filesystem::path& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

TrainConfig tiny_config() {
  TrainConfig c;
  c.beta = {BetaKind::Linear, 100, 1e-4, 0.02};
  c.keep = 0.1;
  c.iters = 30;
  c.warmup = 0;
  c.ramp_end = 20;
  c.batch = 32;
  c.device = "cpu";
  return c;
}

std::string write_file(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}
}  // namespace

class TestFiles : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  fs::path at(const char* name) const { return fs::path(dir_.path().toStdString()) / name; }

 private slots:
  void configIntegersOfTheWrongKindAreRefused() {
    for (const char* text : {R"({"T": 3e76})", R"({"batch": 1.5})", R"({"iters": "100"})", R"({"T": 99999999999})"})
      QVERIFY_THROWS_EXCEPTION(std::invalid_argument, train_config_from_json(nlohmann::json::parse(text)));
    QCOMPARE(train_config_from_json(nlohmann::json::parse(R"({"T": 500})")).beta.T, 500);
  }

  // metrics.jsonl's rows: what the training loop writes, the explorer's replay reads back; a line
  // torn by a crash or without an iteration is no row.
  void metricsRowsRoundTrip() {
    MetricsRow r;
    r.iteration = 250;
    r.loss = 0.5;
    r.sum_s = 10.5;
    r.kept_over_half = 10;
    r.deterministic = true;
    r.terminal_level = 0.01;
    r.threads = 2;
    const std::optional<MetricsRow> back = parse_metrics_row(to_json(r).dump());
    QVERIFY(back);
    QCOMPARE(back->iteration, int64_t(250));
    QCOMPARE(to_json(*back).dump(), to_json(r).dump());
    QCOMPARE(to_json(r).at("iter").get<int64_t>(), int64_t(250));  // the key run folders have
    QVERIFY(!parse_metrics_row("{\"iter\": 3, \"lo"));  // torn
    QVERIFY(!parse_metrics_row("{\"loss\": 1.0}"));
    r.threads = 0;  // not recorded: no key
    QVERIFY(!to_json(r).contains("threads"));
  }

  void staleTemporariesOfDeadWritersAreRemoved() {
    // A writer that is gone: its PID is read while it lives (Qt reports 0 once it has exited).
    QProcess writer;
    writer.start("cat");
    QVERIFY(writer.waitForStarted());
    const qint64 dead = writer.processId();
    QVERIFY(dead > 0);
    writer.closeWriteChannel();
    QVERIFY(writer.waitForFinished());
    const fs::path folder = at("stale");
    fs::create_directories(folder);
    write_file(folder / "checkpoint.pt", "kept");
    const std::string ours = ".checkpoint.pt.tmp-" + std::to_string(::getpid()) + "-0";
    write_file(folder / ours, "a save in progress");
    write_file(folder / ".schedule.json.tmp-1-2", "a live process's save (PID 1 always lives)");
    write_file(folder / ".notes.tmp-abc-1", "not ours");
    const fs::path stale = folder / (".checkpoint.pt.tmp-" + std::to_string(dead) + "-3");
    write_file(stale, "left by a killed save");
    QCOMPARE(remove_stale_temporaries(folder), 1);
    QVERIFY(!fs::exists(stale));
    QVERIFY(fs::exists(folder / "checkpoint.pt"));
    QVERIFY(fs::exists(folder / ours));
    QVERIFY(fs::exists(folder / ".schedule.json.tmp-1-2"));
    QVERIFY(fs::exists(folder / ".notes.tmp-abc-1"));
    QCOMPARE(remove_stale_temporaries(folder), 0);
  }

  void checkpointRoundTrips() {
    EddpmTrainer trainer(tiny_config(), torch::kCPU);
    for (int i = 0; i < 25; ++i) trainer.step();
    save_checkpoint(trainer, at("run.pt"));
    auto loaded = resume_training(at("run.pt"), "cpu");
    QCOMPARE(loaded->iteration(), trainer.iteration());
    QCOMPARE(loaded->mask_probabilities(), trainer.mask_probabilities());
    QCOMPARE(to_json(loaded->config()), to_json(trainer.config()));
    const torch::Tensor x = torch::randn({16, 2});
    const torch::Tensor t = torch::randint(0, 100, {16});
    QVERIFY(torch::equal(loaded->model().forward(x, t), trainer.model().forward(x, t)));
    // Both continue identically: the RNG streams and optimizer state came along.
    trainer.step();
    loaded->step();
    QCOMPARE(loaded->mask_probabilities(), trainer.mask_probabilities());
    QVERIFY(torch::equal(loaded->model().forward(x, t), trainer.model().forward(x, t)));
  }

  // A plain DDPM (every step kept) only saw the base levels: loaded, its sub-chains jump between
  // them whatever semantics it trained under. A run that kept fewer steps keeps its own semantics.
  void aPlainDdpmIsSampledByJumping() {
    TrainConfig c = tiny_config();
    c.semantics = Semantics::Paper;
    c.keep = 1.0;
    EddpmTrainer plain(c, torch::kCPU);
    save_checkpoint(plain, at("plain.pt"));
    const TrainedModel run = load_checkpoint(at("plain.pt"), "cpu");
    QCOMPARE(run.config.semantics, Semantics::Jump);
    const std::vector<double> levels = kept_levels(run.noise, run.config.semantics, {99, 49, 0});
    QCOMPARE(levels.front(), run.noise.alpha_bars()[99]);
    c.keep = 0.1;
    EddpmTrainer masked(c, torch::kCPU);
    save_checkpoint(masked, at("masked.pt"));
    QCOMPARE(load_checkpoint(at("masked.pt"), "cpu").config.semantics, Semantics::Paper);
  }

  void badCheckpointsGiveAReason() {
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, load_checkpoint(at("missing.pt"), "cpu"));
    write_file(at("junk.pt"), "this is not a checkpoint");
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, load_checkpoint(at("junk.pt"), "cpu"));
    EddpmTrainer trainer(tiny_config(), torch::kCPU);
    save_checkpoint(trainer, at("good.pt"));
    const std::string bytes = read_text_file(at("good.pt"));
    write_file(at("truncated.pt"), bytes.substr(0, bytes.size() / 2));
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, load_checkpoint(at("truncated.pt"), "cpu"));
    torch::serialize::OutputArchive foreign;
    foreign.write("weights", torch::ones({3}));
    foreign.save_to(at("foreign.pt").string());
    try {
      load_checkpoint(at("foreign.pt"), "cpu");
      QFAIL("a foreign archive was accepted");
    } catch (const std::runtime_error& e) {
      QVERIFY(std::string(e.what()).find("not an EDDPM checkpoint") != std::string::npos);
    }
  }

  // A checkpoint whose mask or counters were altered loads nothing: the values are checked before use.
  void checkpointWithImpossibleValuesIsRefused_data() {
    QTest::addColumn<QString>("key");
    QTest::addColumn<double>("value");
    QTest::newRow("mask NaN") << "s" << std::nan("");
    QTest::newRow("mask above 1") << "s" << 1.5;
    QTest::newRow("mask below 0") << "s" << -0.1;
    QTest::newRow("baseline infinite") << "ema" << HUGE_VAL;
    QTest::newRow("negative iteration") << "iteration" << -3.0;
  }
  void checkpointWithImpossibleValuesIsRefused() {
    QFETCH(QString, key);
    QFETCH(double, value);
    EddpmTrainer trainer(tiny_config(), torch::kCPU);
    torch::serialize::OutputArchive out;
    trainer.save_state(out);
    const torch::Tensor original = key == "s" ? torch::rand({trainer.noise().T()}, torch::kFloat64) : torch::zeros({});
    torch::Tensor altered = original.clone();
    if (key == "iteration") altered = torch::tensor(int64_t(value), torch::kLong);
    else altered.view(-1)[0] = value;
    out.write(key.toStdString(), altered);
    out.save_to(at("altered.pt").string());
    torch::serialize::InputArchive in;
    in.load_from(at("altered.pt").string());
    EddpmTrainer target(tiny_config(), torch::kCPU);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, target.load_state(in));
  }

  void scheduleJsonRoundTrips() {
    const NoiseSchedule noise({BetaKind::Quadratic, 50, 1e-4, 0.5});
    ScheduleFile file = make_schedule_file(noise, Semantics::Paper, {3, 49, 20}, "manual");
    file.metrics = {{"swd", 0.12}};
    save_schedule_json(file, at("s.json"));
    const ScheduleFile back = load_schedule_json(at("s.json"));
    QCOMPARE(back.timesteps, (std::vector<int>{49, 20, 3}));
    QCOMPARE(back.levels, file.levels);
    QCOMPARE(back.semantics, Semantics::Paper);
    QCOMPARE(back.beta.T, 50);
    QCOMPARE(back.metrics["swd"].get<double>(), 0.12);
    // The solver and the sigmas the tools take: sigma_t = sqrt((1 - abar_t) / abar_t), then 0.
    QCOMPARE(back.solver.name(), std::string("ddim"));
    QCOMPARE(back.sigmas.size(), size_t(4));
    QCOMPARE(back.sigmas.back(), 0.0);
    QVERIFY(std::abs(back.sigmas[1] - std::sqrt((1 - noise.alpha_bar(20)) / noise.alpha_bar(20))) < 1e-12);
    save_schedule_csv(file, at("s.csv"));
    const std::string csv = read_text_file(at("s.csv"));
    QVERIFY(csv.rfind("step,timestep,level,log_snr,sigma\n1,49,", 0) == 0);

    file.solver = Solver::parse("heun");
    file.checkpoint_sha256 = sha256_hex("model");
    file.how = "search";
    file.quality = {{"fd_lenet", 9.5}};
    save_schedule_json(file, at("h.json"));
    const nlohmann::json j = nlohmann::json::parse(read_text_file(at("h.json")));
    QCOMPARE(j["nfe"].get<int>(), 5);  // Heun: 2K - 1
    QCOMPARE(j["K"].get<int>(), 3);
    const ScheduleFile heun = load_schedule_json(at("h.json"));
    QCOMPARE(heun.solver.name(), std::string("heun"));
    QCOMPARE(heun.checkpoint_sha256, file.checkpoint_sha256);
    QCOMPARE(heun.how, std::string("search"));
    QCOMPARE(heun.quality["fd_lenet"].get<double>(), 9.5);
  }

  // Every export form reads back as the same timesteps; sigmas land on their own timestep exactly.
  void everyExportFormReadsBack_data() {
    QTest::addColumn<int>("format");
    QTest::newRow("json") << int(ScheduleFormat::Json);
    QTest::newRow("sigmas") << int(ScheduleFormat::Sigmas);
    QTest::newRow("comfyui") << int(ScheduleFormat::ComfyUi);
    QTest::newRow("a1111") << int(ScheduleFormat::A1111);
  }
  void everyExportFormReadsBack() {
    QFETCH(int, format);
    const NoiseSchedule noise({BetaKind::Linear, 1000, 1e-4, 0.02});
    const ScheduleFile file = make_schedule_file(noise, Semantics::Jump, {999, 700, 400, 120, 30, 0}, "manual");
    const std::string text = schedule_text(file, ScheduleFormat(format));
    const ImportedSchedule back = import_schedule(text, noise);
    QCOMPARE(back.timesteps, file.timesteps);
    QVERIFY2(back.largest_move < 1e-7, qPrintable(QString::number(back.largest_move)));
    if (ScheduleFormat(format) == ScheduleFormat::ComfyUi) QVERIFY(text.find(", 0.0\n") != std::string::npos);
    if (ScheduleFormat(format) == ScheduleFormat::A1111) QVERIFY(text.front() == '[' && text.find("0.0]") != std::string::npos);
  }

  void pastedSchedulesAreReadOrRefused_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");  // timesteps, or "error: reason"
    // linear T=1000: sigma_999 = 157.4, sigma_0 = 0.01.
    QTest::newRow("timestep line") << "999, 499 0" << "999,499,0";
    QTest::newRow("unsorted timesteps") << "0\n999\n499\n" << "999,499,0";
    QTest::newRow("timesteps JSON") << R"({"timesteps": [999, 10]})" << "999,10";
    QTest::newRow("sigmas JSON") << R"({"sigmas": [157.4, 0.0100005, 0]})" << "999,0";
    QTest::newRow("sigma off its step") << "[160.0, 0.0]" << "999";
    QTest::newRow("two sigmas on one step") << "157.4, 157.3, 0.0" << "error: two sigmas land on timestep 999";
    QTest::newRow("zero inside") << "157.4, 0.0, 1.0" << "error: not above 0";
    QTest::newRow("word") << "999, abc" << "error: 'abc' is not a number";
    QTest::newRow("timestep too big") << "1000, 5" << "error: outside";
    QTest::newRow("nothing") << "  \n" << "error: no numbers";
    QTest::newRow("object without steps") << R"({"steps": [1]})" << "error: without";
    QTest::newRow("JSON number beyond a double") << R"({"sigmas": [3e999]})" << "error: out of range";  // found by scripts/fuzz
    QTest::newRow("file for another T") << R"({"format":"eddpm-schedule","version":1,"T":100,"beta":{"kind":"linear","b1":0.0001,"bT":0.02},"semantics":"jump","timesteps":[50]})"
                                        << "error: the model has T=1000";
  }
  void pastedSchedulesAreReadOrRefused() {
    QFETCH(QString, text);
    QFETCH(QString, expected);
    const NoiseSchedule noise({BetaKind::Linear, 1000, 1e-4, 0.02});
    try {
      const ImportedSchedule got = import_schedule(text.toStdString(), noise);
      QStringList steps;
      for (int t : got.timesteps) steps << QString::number(t);
      QCOMPARE(steps.join(','), expected);
      if (text.contains("160.0")) QVERIFY(got.largest_move > 0.01 && got.largest_move < 0.03);  // 157.4 vs 160
    } catch (const std::invalid_argument& e) {
      QVERIFY2(expected.startsWith("error: ") && QString(e.what()).contains(expected.mid(7)), e.what());
    }
  }

  void sha256MatchesTheStandardVectors() {
    QCOMPARE(sha256_hex(""), std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    QCOMPARE(sha256_hex("abc"), std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    QCOMPARE(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
             std::string("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
    const std::string million(1000000, 'a');  // many blocks, and a file read in parts
    write_file(at("a.bin"), million);
    QCOMPARE(sha256_file(at("a.bin")), std::string("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
  }

  void badScheduleFilesAreRefused_data() {
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("reason");
    const QString head = R"({"format":"eddpm-schedule","version":1,"T":100,"beta":{"kind":"linear","b1":0.0001,"bT":0.02},"semantics":"jump",)";
    QTest::newRow("unsorted") << head + R"("timesteps":[10,50]})" << "descending";
    QTest::newRow("duplicate") << head + R"("timesteps":[50,50]})" << "descending";
    QTest::newRow("negative") << head + R"("timesteps":[50,-1]})" << "outside";
    QTest::newRow("out of range") << head + R"("timesteps":[100,5]})" << "outside";
    QTest::newRow("huge") << head + R"("timesteps":[1e300]})" << "integers";
    QTest::newRow("huge integer") << head + R"("timesteps":[99999999999999999999]})" << "integers";
    QTest::newRow("big integer") << head + R"("timesteps":[18446744073709551615]})" << "outside";
    QTest::newRow("no timesteps") << head + R"("levels":[]})" << "no \"timesteps\"";
    QTest::newRow("wrong levels") << head + R"("timesteps":[50],"levels":[0.5]})" << "does not match";
    QTest::newRow("wrong sigmas") << head + R"("timesteps":[50],"sigmas":[3.0,0]})" << "does not match timestep 50";
    QTest::newRow("sigmas without the end") << head + R"("timesteps":[50],"sigmas":[3.0]})" << "trailing 0";
    QTest::newRow("unknown solver") << head + R"("timesteps":[50],"solver":"dpm"})" << "unknown solver";
    QTest::newRow("eta on heun") << head + R"("timesteps":[50],"solver":"heun","eta":1})" << "ddim solver only";
    QTest::newRow("foreign") << R"({"timesteps":[1]})" << "not an eddpm-schedule";
    QTest::newRow("not json") << "{oops" << "not valid JSON";
    QTest::newRow("number beyond a double") << R"({"format":"eddpm-schedule","version":1e999})" << "out of range";
    QTest::newRow("format of another type") << R"({"format":{"kind":"linear"},"timesteps":[1]})" << "wrong type";
    QTest::newRow("huge float version") << R"({"format":"eddpm-schedule","version":3e76,"timesteps":[1]})"
                                        << "small integer";
    QTest::newRow("source of another type") << head + R"("timesteps":[50],"source":7})" << "wrong type";
    QTest::newRow("bad T") << R"({"format":"eddpm-schedule","version":1,"T":1,"beta":{"kind":"linear","b1":0.0001,"bT":0.02},"semantics":"jump","timesteps":[0]})" << "T must";
  }

  void badScheduleFilesAreRefused() {
    QFETCH(QString, json);
    QFETCH(QString, reason);
    const fs::path path = at("bad.json");
    write_file(path, json.toStdString());
    try {
      load_schedule_json(path);
      QFAIL("accepted");
    } catch (const std::invalid_argument& e) {
      QVERIFY2(QString(e.what()).contains(reason), e.what());
    }
  }

  void failedWritesLeaveTheOldFile() {
    write_text_atomically(at("keep.txt"), "first");
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, write_atomically(at("keep.txt"), [](const fs::path& tmp) {
      std::ofstream(tmp) << "half";
      throw std::runtime_error("crash mid-write");
    }));
    QCOMPARE(read_text_file(at("keep.txt")), std::string("first"));
    int leftovers = 0;
    for (const auto& entry : fs::directory_iterator(dir_.path().toStdString()))
      leftovers += entry.path().filename().string().find(".tmp-") != std::string::npos;
    QCOMPARE(leftovers, 0);
  }

  // What SQLite and LevelDB do: the new file's data is synced before the rename, the folder after.
  void savesSyncTheFileThenItsFolder() {
    auto check = [this](const fs::path& path, const std::function<void()>& save) {
      {
        std::lock_guard<std::mutex> lock(synced_mutex);
        synced.clear();
      }
      save();
      std::lock_guard<std::mutex> lock(synced_mutex);
      const ino_t file = inode_of(path), folder = inode_of(path.parent_path());
      size_t file_at = synced.size(), folder_at = synced.size();
      for (size_t i = 0; i < synced.size(); ++i) {
        if (!synced[i].folder && synced[i].inode == file && file_at == synced.size()) file_at = i;
        if (synced[i].folder && synced[i].inode == folder) folder_at = i;
      }
      QVERIFY2(file_at < synced.size(), path.c_str());
      QVERIFY2(folder_at < synced.size(), path.c_str());
      QVERIFY(file_at < folder_at);
    };
    check(at("synced.txt"), [this] { write_text_atomically(at("synced.txt"), "durable"); });
    EddpmTrainer trainer(tiny_config(), torch::kCPU);
    check(at("synced.pt"), [&] { save_checkpoint(trainer, at("synced.pt")); });
  }

  void pngCarriesItsParameters() {
    RgbImage image{4, 3, std::vector<uint8_t>(4 * 3 * 3, 128)};
    save_png(image, at("a.png"), {{"parameters", "schedule: learned [999,500,0], eta: 0, seed: 7"}});
    const auto text = read_png_text(at("a.png"));
    QCOMPARE(text.at("parameters"), std::string("schedule: learned [999,500,0], eta: 0, seed: 7"));
  }
};

QTEST_GUILESS_MAIN(TestFiles)
#include "test_files.moc"
