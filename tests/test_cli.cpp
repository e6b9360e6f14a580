// Drives the real `eddpm` program as a script would: exit codes, messages and the files it writes.
#include <QtTest>

#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>

#include <tuple>

class TestCli : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

  struct Result {
    int code;
    QString out, err;
  };

  Result eddpm(const QStringList& args, int timeout_ms = 300000,
               const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment()) {
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(EDDPM_CLI_PATH, args);
    if (!p.waitForFinished(timeout_ms)) {
      p.kill();
      return {-1, {}, "timed out"};
    }
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
  }

  QString path(const QString& name) const { return dir_.filePath(name); }

  static QJsonDocument read_json(const QString& file) {
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll());
  }

 private slots:
  // The computing commands restart themselves once with GOMP_SPINCOUNT set (core/runtime/
  // openmp_waiting.h) unless it is set already: set here (as CTest sets it for every suite), every
  // run in this suite starts the dynamic loader over LibTorch once instead of twice (the restart
  // itself is checked in benchOverheadReportsBothRates).
  void initTestCase() { qputenv("GOMP_SPINCOUNT", "3000"); }

  void helpExitsZero() {
    for (const QString& command : {"train", "schedule", "sample", "compare"}) {
      const Result r = eddpm({command, "--help"});
      QCOMPARE(r.code, 0);
      QVERIFY(r.out.contains("--"));
    }
  }

  void wrongArgumentsExitTwoWithOneLine_data() {
    QTest::addColumn<QStringList>("args");
    QTest::newRow("no command") << QStringList{};
    QTest::newRow("unknown command") << QStringList{"fly"};
    QTest::newRow("missing --out") << QStringList{"train", "--data", "moons"};
    QTest::newRow("keep out of range") << QStringList{"train", "--keep", "1.5", "--out", "x"};
    QTest::newRow("unknown data") << QStringList{"train", "--data", "spirals", "--out", "x"};
    QTest::newRow("warm-up after ramp") << QStringList{"train", "--warmup", "50", "--ramp-end", "10", "--out", "x"};
    QTest::newRow("K above T") << QStringList{"schedule", "--kind", "uniform", "--K", "2000", "--out", "s.json"};
    QTest::newRow("unknown kind") << QStringList{"schedule", "--kind", "cubic", "--out", "s.json"};
    QTest::newRow("learned without checkpoint") << QStringList{"schedule", "--kind", "learned", "--out", "s.json"};
    QTest::newRow("bad extension") << QStringList{"schedule", "--kind", "uniform", "--out", "s.txt"};
    QTest::newRow("missing checkpoint") << QStringList{"sample", "--checkpoint", "nope.pt", "--schedule", "uniform:5", "--out", "x.csv"};
    QTest::newRow("U-Net on points") << QStringList{"train", "--data", "moons", "--model", "tiny", "--out", "x"};
    QTest::newRow("MNIST folder without files") << QStringList{"train", "--data", "mnist:/nonexistent", "--out", "x"};
    QTest::newRow("image folder missing") << QStringList{"train", "--data", "folder:/nonexistent", "--out", "x"};
    QTest::newRow("epochs of endless data") << QStringList{"train", "--data", "moons", "--epochs", "1", "--out", "x"};
    QTest::newRow("odd channel count") << QStringList{"train", "--data", "mnist", "--channels", "2", "--out", "x"};
  }

  void wrongArgumentsExitTwoWithOneLine() {
    QFETCH(QStringList, args);
    const Result r = eddpm(args);
    QCOMPARE(r.code, 2);
    QCOMPARE(r.err.trimmed().count('\n'), 0);
    QVERIFY(r.err.startsWith("eddpm: error: "));
  }

  // Every numeric option of every command, read from the command's own --help, refuses NaN
  // (floating-point options) and values outside its declared range, with one line naming it; an
  // infinity where no finite bound is declared. A non-number is refused by the type's conversion,
  // which every option of a type shares: checked on the first of each type per command (each
  // refusal costs a process start, about a second). An integer or floating-point option that
  // declares no range fails here.
  void numericOptionsRefuseBadValues() {
    const QRegularExpression row(R"(^\s+(?:-\w,)?(--[\w-]+) (INT|UINT|FLOAT)(\S*))");
    const QRegularExpression range(R"(in \[(\S+) - (\S+)\])");
    int checked = 0;
    for (const QString& command : {"train", "schedule", "sample", "compare", "bench"}) {
      const Result help = eddpm({command, "--help"});
      QCOMPARE(help.code, 0);
      QSet<QString> types_seen;
      for (const QString& line : help.out.split('\n')) {
        const QRegularExpressionMatch m = row.match(line);
        if (!m.hasMatch()) continue;
        const QString option = m.captured(1), type = m.captured(2), checks = m.captured(3) + line;
        const bool integer = type != "FLOAT";
        QStringList bad;
        if (!types_seen.contains(type)) bad << "abc";
        types_seen.insert(type);
        if (!integer) bad << "nan";
        const QRegularExpressionMatch r = range.match(checks);
        if (!integer && !r.hasMatch()) bad << "-inf";
        if (r.hasMatch()) {
          const double low = r.captured(1).toDouble(), high = r.captured(2).toDouble();
          bad << (integer ? QString::number(qint64(high) + 1) : QString::number(high * 2 + 1, 'g', 17));
          if (low > 0) bad << (integer ? QString::number(qint64(low) - 1) : QString::number(low / 2, 'g', 17));
        } else if (const auto set = QRegularExpression(R"(\{([\d,]+)\})").match(checks); set.hasMatch()) {
          int largest = 0;
          for (const QString& member : set.captured(1).split(',')) largest = std::max(largest, member.toInt());
          bad << QString::number(largest + 1);
        } else if (const auto least = QRegularExpression(R"(at least (-?[\d.e+-]+?)(?:=|\s|$))").match(checks); least.hasMatch()) {
          bad << QString::number(least.captured(1).toDouble() - 1);
        } else if (const auto above = QRegularExpression(R"(above (-?[\d.e+-]+?)(?:=|\s|$))").match(checks); above.hasMatch()) {
          bad << above.captured(1) << QString::number(above.captured(1).toDouble() - 1);
        } else if (checks.contains("NONNEGATIVE")) {
          bad << "-1";
        } else if (checks.contains("POSITIVE")) {
          bad << "0" << "-1";
        } else if (type == "UINT") {
          bad << "-1" << "99999999999999999999999";  // CLI11 alone takes both
        } else {
          QFAIL(qPrintable(QString("eddpm %1 %2 declares no range").arg(command, option)));
        }
        for (const QString& value : bad) {
          const Result r = eddpm({command, option, value});
          const QString what = QString("eddpm %1 %2 %3: %4").arg(command, option, value, r.err);
          QVERIFY2(r.code == 2, qPrintable(what));
          QVERIFY2(r.err.contains(option), qPrintable(what));
          QVERIFY2(r.err.trimmed().count('\n') == 0, qPrintable(what));
          ++checked;
        }
      }
    }
    QVERIFY2(checked > 80, qPrintable(QString::number(checked)));
  }

  // bench/run's item 4 in one process: both rates and the extra time they imply, as one JSON line.
  void benchOverheadReportsBothRates() {
    // Without a spin setting of the environment's (initTestCase sets one for the other runs).
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove("GOMP_SPINCOUNT");
    env.remove("OMP_WAIT_POLICY");
    const Result r = eddpm({"bench", "overhead", "--iters", "6", "--warmup-iters", "2", "--batch", "16", "--T", "40"},
                           300000, env);
    QCOMPARE(r.code, 0);
    const QJsonObject line = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(line["item"].toString(), QString("overhead"));
    const double eddpm_rate = line["eddpm_its_per_s"].toDouble(), ddpm_rate = line["ddpm_its_per_s"].toDouble();
    QVERIFY(eddpm_rate > 0.0 && ddpm_rate > 0.0);
    QVERIFY(std::abs(line["extra"].toDouble() - (ddpm_rate / eddpm_rate - 1.0)) < 1e-9);
    QVERIFY(line["peak_rss_mib"].toDouble() > 0.0);
    // The program started itself with a short OpenMP spin (openmp_waiting.h).
    QCOMPARE(line["openmp_wait"].toString(), QString("spin 3000"));
  }

  // A spin count or wait policy in the environment is the user's: kept as it is.
  void openMpWaitingFromTheEnvironmentStands() {
    for (const auto& [name, value, shown] : {std::tuple<QString, QString, QString>{"GOMP_SPINCOUNT", "777", "spin 777"},
                                             {"OMP_WAIT_POLICY", "PASSIVE", "policy PASSIVE"}}) {
      QProcess p;
      QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
      env.remove("GOMP_SPINCOUNT");
      env.remove("OMP_WAIT_POLICY");
      env.insert(name, value);
      p.setProcessEnvironment(env);
      p.start(EDDPM_CLI_PATH, {"bench", "mask-step", "--iters", "2", "--warmup-iters", "0", "--T", "40", "--batch", "8"});
      QVERIFY(p.waitForFinished(120000));
      QCOMPARE(p.exitCode(), 0);
      const QJsonObject line = QJsonDocument::fromJson(p.readAllStandardOutput()).object();
      QCOMPARE(line["openmp_wait"].toString(), shown);
    }
  }

  // A folder of pictures (bright squares on a dark ground, plus a file that is no image) through
  // train, sample and compare, as a user with their own images would run it.
  void imageFolderTrainSampleCompare() {
    QDir().mkpath(path("pictures"));
    for (int i = 0; i < 30; ++i) {
      QImage image(12, 10, QImage::Format_RGB32);
      image.fill(QColor(20, 20, 20));
      for (int y = 2; y < 6; ++y)
        for (int x = i % 8; x < i % 8 + 4; ++x) image.setPixel(x, y, qRgb(230, 230, 230));
      QVERIFY(image.save(path("pictures/p%1.png").arg(i)));
    }
    QFile junk(path("pictures/notes.txt"));
    QVERIFY(junk.open(QIODevice::WriteOnly));
    junk.write("not a picture");
    junk.close();

    const Result train = eddpm({"train", "--data", "folder:" + path("pictures"), "--size", "8", "--channels", "1",
                                "--T", "50", "--steps-kept", "5", "--iters", "20", "--batch", "8", "--log-every", "10",
                                "--check-n", "200", "--device", "cpu", "--out", path("image_run")});
    QVERIFY2(train.code == 0, qPrintable(train.err));
    QVERIFY2(train.err.contains("Model tiny:"), qPrintable(train.err));  // images pick the U-Net by default
    QVERIFY2(train.err.contains("skipped 1 file(s)") && train.err.contains("notes.txt"), qPrintable(train.err));

    const QString checkpoint = path("image_run/checkpoint.pt");
    const Result grid = eddpm({"sample", "--checkpoint", checkpoint, "--schedule", "learned:5", "--n", "16",
                               "--out", path("grid.png")});
    QVERIFY2(grid.code == 0, qPrintable(grid.err));
    const QImage picture(path("grid.png"));
    QCOMPARE(picture.width(), 4 * (16 + 1) + 1);  // 4 columns of 8x8 tiles drawn at 2x, 1-pixel gaps
    QCOMPARE(picture.text("parameters").contains("learned"), true);

    const Result csv = eddpm({"sample", "--checkpoint", checkpoint, "--schedule", "uniform:5", "--out", path("x.csv")});
    QCOMPARE(csv.code, 2);
    QVERIFY(csv.err.contains("PNG"));
    // The U-Net as TorchScript (its arithmetic is held equal in test_torchscript_model).
    const Result exported = eddpm({"export", "--checkpoint", checkpoint, "--out", path("unet.ts")});
    QVERIFY2(exported.code == 0 && exported.out.contains("forward(x, t) -> eps"), qPrintable(exported.err));
    QVERIFY(QFileInfo(path("unet.ts")).size() > 0);

    const Result compare = eddpm({"compare", "--checkpoint", checkpoint, "--K", "5", "--n", "12", "--grid", "9",
                                  "--kinds", "learned,uniform", "--out", path("images.json")});
    QVERIFY2(compare.code == 0, qPrintable(compare.err));
    const QJsonArray rows = read_json(path("images.json")).array();
    QCOMPARE(rows.size(), 4);  // real, full, learned, uniform
    for (const auto& row : rows) {
      const QString file = row.toObject()["grid"].toString();
      QVERIFY2(QFile::exists(path(file)), qPrintable(file));
      QCOMPARE(QImage(path(file)).width(), 3 * (16 + 1) + 1);
    }
    QVERIFY(QFile::exists(path("images-learned.png")));
  }

  // A frozen pretrained model defaults to its own noise levels, the data reward and no pinned last
  // step; what the user types still wins.
  void frozenModelsDefaultToTheDataReward() {
    const QStringList base = {"train", "--T",    "50",       "--beta", "quadratic", "--batch", "32",
                              "--device", "cpu", "--check-n", "2000", "--quiet"};
    const Result ddpm = eddpm(base + QStringList{"--keep", "1", "--iters", "40", "--out", path("frozen_ddpm")});
    QVERIFY2(ddpm.code == 0, qPrintable(ddpm.err));
    QVERIFY2(!ddpm.out.contains("verdict"), qPrintable(ddpm.out));  // every step kept: nothing to judge
    QVERIFY(!QFile::exists(path("frozen_ddpm/settle_choice.json")));
    const QStringList frozen = base + QStringList{"--from", path("frozen_ddpm/checkpoint.pt"), "--freeze-model",
                                                  "--steps-kept", "5", "--iters", "20", "--pool", "16",
                                                  "--masks-per-iter", "4"};
    const Result chosen = eddpm(frozen + QStringList{"--out", path("frozen_data")});
    QVERIFY2(chosen.code == 0, qPrintable(chosen.err));
    QVERIFY2(chosen.err.contains("jump semantics, reward data"), qPrintable(chosen.err));
    QVERIFY2(chosen.err.contains("last step not pinned"), qPrintable(chosen.err));
    const Result typed = eddpm(frozen + QStringList{"--reward", "fidelity", "--semantics", "paper", "--pin-last",
                                                    "--out", path("frozen_fidelity")});
    QVERIFY2(typed.code == 0, qPrintable(typed.err));
    QVERIFY2(typed.err.contains("paper semantics, reward fidelity"), qPrintable(typed.err));
    QVERIFY2(!typed.err.contains("not pinned"), qPrintable(typed.err));
  }

  void scheduleFileIsDiffusersReady() {
    const Result r = eddpm({"schedule", "--kind", "trailing", "--K", "4", "--out", path("t.json")});
    QCOMPARE(r.code, 0);
    const QJsonObject o = read_json(path("t.json")).object();
    QCOMPARE(o["format"].toString(), QString("eddpm-schedule"));
    QCOMPARE(o["T"].toInt(), 1000);
    const QJsonArray steps = o["timesteps"].toArray();
    QCOMPARE(steps.size(), 4);
    QCOMPARE(steps[0].toInt(), 999);
    QCOMPARE(steps[3].toInt(), 249);
    QCOMPARE(o["levels"].toArray().size(), 4);
    QCOMPARE(o["sigmas"].toArray().size(), 5);
    QCOMPARE(o["solver"].toString(), QString("ddim"));
    QCOMPARE(o["made"].toObject()["how"].toString(), QString("family"));

    // Heun's file counts its network calls; the tools' sigma lines read back as the same steps.
    QCOMPARE(eddpm({"schedule", "--kind", "trailing", "--K", "4", "--solver", "heun", "--out", path("h.json")}).code, 0);
    QCOMPARE(read_json(path("h.json")).object()["nfe"].toInt(), 7);
    for (const QString& format : {"comfyui", "a1111", "sigmas"}) {
      const QString text = path("t-" + format + ".txt");
      Result w = eddpm({"schedule", "--kind", "trailing", "--K", "4", "--format", format, "--out", text});
      QVERIFY2(w.code == 0, qPrintable(w.err));
      w = eddpm({"schedule", "--import", text, "--out", path("back.json")});
      QVERIFY2(w.code == 0, qPrintable(w.err));
      QVERIFY2(w.err.contains("sigmas, moved at most"), qPrintable(w.err));
      QCOMPARE(read_json(path("back.json")).object()["timesteps"].toArray(), steps);
    }
    QFile comfy(path("t-comfyui.txt"));
    QVERIFY(comfy.open(QIODevice::ReadOnly));
    QVERIFY(QString(comfy.readAll()).trimmed().endsWith(", 0.0"));
    // Refusals are one line: a solver that does not exist, eta for a deterministic solver, a .txt
    // without a format.
    for (const QStringList& bad : {QStringList{"--solver", "dpm"}, QStringList{"--solver", "heun", "--eta", "1"},
                                   QStringList{"--out", path("x.txt")}}) {
      QStringList args = {"schedule", "--kind", "trailing", "--K", "4"};
      args << bad;
      if (!bad.contains("--out")) args << "--out" << path("x.json");
      const Result w = eddpm(args);
      QVERIFY2(w.code == 2 && w.err.trimmed().count('\n') == 0, qPrintable(w.err));
    }
  }

  // The searches and the recommendation as a user runs them on a small model: a search writes its
  // steps and settings and reuses its teacher; recommend scores every candidate (the run's learned
  // steps first when it learned K), names the best,
  // writes it in every format and refuses to replace its report without --overwrite.
  void searchesAndRecommendation() {
    const QString run = path("rec-run");
    Result r = eddpm({"train", "--data", "moons", "--T", "50", "--steps-kept", "5", "--iters", "200", "--batch", "64",
                      "--autosave-minutes", "0", "--no-verdict", "--quiet", "--out", run});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const QString checkpoint = run + "/checkpoint.pt";
    r = eddpm({"schedule", "--kind", "gits", "--K", "5", "--out", path("g.json")});
    QVERIFY2(r.code == 2 && r.err.contains("needs --checkpoint") && r.err.trimmed().count('\n') == 0, qPrintable(r.err));
    for (int pass = 0; pass < 2; ++pass) {
      r = eddpm({"schedule", "--kind", "gits", "--checkpoint", checkpoint, "--solver", "dpmpp-2m", "--K", "5",
                 "--teacher-cache", path("teachers"), "--out", path("g.json")});
      QVERIFY2(r.code == 0, qPrintable(r.err));
      QVERIFY2(r.err.contains("gits: searched in"), qPrintable(r.err));
      const QJsonObject made = read_json(path("g.json")).object()["made"].toObject();
      QCOMPARE(made["how"].toString(), QString("search"));
      const QJsonObject settings = made["settings"].toObject();
      QVERIFY(settings.contains("search_seconds"));
      QCOMPARE(settings["teacher"].toObject()["from_cache"].toBool(), pass == 1);
      QCOMPARE(read_json(path("g.json")).object()["timesteps"].toArray().size(), 5);
    }

    const QStringList recommend = {"recommend", "--checkpoint", checkpoint, "--K", "5", "--eddpm-iters", "20", "--n",
                                   "200", "--repeats", "2", "--teacher-cache", "none", "--out", path("rec")};
    r = eddpm(recommend);
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const QJsonObject report = read_json(path("rec/report.json")).object();
    QCOMPARE(report["measure"].toString(), QString("swd"));
    const QJsonArray rows = report["rows"].toArray();
    QStringList names;
    double best = INFINITY;
    QJsonArray winner_steps;
    for (const auto& value : rows) {
      const QJsonObject row = value.toObject();
      names << row["candidate"].toString();
      for (const char* key : {"kind", "timesteps", "quality", "spread", "nfe", "search_seconds"})
        QVERIFY2(row.contains(key), qPrintable(row["candidate"].toString() + " lacks " + key));
      QVERIFY2(!row.contains("error"), qPrintable(row["error"].toString()));
      QCOMPARE(row["timesteps"].toArray().size(), 5);
      if (row["quality"].toDouble() < best) best = row["quality"].toDouble(), winner_steps = row["timesteps"].toArray();
      if (row["candidate"].toString() == report["winner"].toString()) QCOMPARE(row["quality"].toDouble(), best);
    }
    // The run learned K = 5 steps: they are the first row.
    QCOMPARE(names, (QStringList{"learned", "uniform", "trailing", "linspace", "quadratic", "logsnr", "karras", "kl-optimal", "beta",
                                 "elbo-dp", "gits", "dmn", "ays", "ld3", "eddpm"}));
    QCOMPARE(read_json(path("rec/steps.json")).object()["timesteps"].toArray(), winner_steps);
    for (const char* file : {"steps.csv", "steps-sigmas.txt", "steps-comfyui.txt", "steps-a1111.txt"})
      QVERIFY2(QFileInfo(path("rec/") + file).size() > 0, file);
    QVERIFY(r.out.contains("winner: " + report["winner"].toString()));

    const QDateTime written = QFileInfo(path("rec/report.json")).lastModified();
    r = eddpm(recommend);
    QVERIFY2(r.code == 2 && r.err.contains("--overwrite"), qPrintable(r.err));
    QCOMPARE(QFileInfo(path("rec/report.json")).lastModified(), written);

    // Under a budget whose share its first iterations cannot fit, EDDPM's mask search is a row that
    // says what it would take, and the others still answer.
    r = eddpm({"recommend", "--checkpoint", checkpoint, "--K", "5", "--budget-minutes", "0.00001", "--n", "200",
               "--repeats", "1", "--teacher-cache", "none", "--out", path("rec-tight")});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const QJsonObject tight = read_json(path("rec-tight/report.json")).object();
    QVERIFY(tight["winner"].toString() != "eddpm");
    for (const auto& value : tight["rows"].toArray()) {
      const QJsonObject row = value.toObject();
      if (row["candidate"].toString() == "eddpm")
        QVERIFY2(row["error"].toString().contains("give --budget-minutes"), qPrintable(row["error"].toString()));
      else
        QVERIFY2(!row.contains("error"), qPrintable(row["candidate"].toString() + ": " + row["error"].toString()));
    }
  }

  void trainSampleCompareEndToEnd() {
    const QString run = path("run");
    Result r = eddpm({"train", "--data", "moons", "--T", "50", "--beta", "quadratic", "--steps-kept", "5", "--iters", "300",
                      "--batch", "64", "--device", "cpu", "--seed", "3", "--check-n", "2000", "--out", run});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY(r.err.contains("it/s") && r.err.contains("ETA"));
    QVERIFY(r.out.contains("learned schedule (K=5)"));
    for (const QString& f : {"checkpoint.pt", "metrics.jsonl", "mask_history.csv", "schedule_learned.json"})
      QVERIFY2(QFile::exists(run + "/" + f), qPrintable(f));
    QCOMPARE(read_json(run + "/schedule_learned.json").object()["timesteps"].toArray().size(), 5);
    // The run's verdict: a sentence on stdout, the numbers in verdict.json, the same learned steps.
    QVERIFY2(r.out.contains("verdict: Learned 5 steps "), qPrintable(r.out));
    const QJsonObject verdict = read_json(run + "/verdict.json").object();
    QCOMPARE(verdict["measure"].toString(), QString("SWD"));
    QCOMPARE(verdict["handcrafted"].toArray().size(), 9);  // every handcrafted family, beta among them
    QCOMPARE(verdict["learned"].toObject()["timesteps"], read_json(run + "/schedule_learned.json").object()["timesteps"]);
    QVERIFY(r.out.contains(verdict["summary"].toString()));
    QCOMPARE(verdict["n"].toInt(), 2000);  // --check-n
    // Settling measured its candidates at the ramp's end and again before the end.
    QVERIFY2(r.err.contains("Settling toward ") && r.err.contains("Rechecked: "), qPrintable(r.err));
    QCOMPARE(read_json(run + "/settle_choice.json").object()["n"].toInt(), 2000);
    QVERIFY(read_json(run + "/settle_recheck.json").object()["recheck"].toBool());

    r = eddpm({"sample", "--checkpoint", run + "/checkpoint.pt", "--schedule", run + "/schedule_learned.json", "--n", "100",
               "--out", path("points.csv")});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QFile csv(path("points.csv"));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    QCOMPARE(QString(csv.readAll()).trimmed().split('\n').size(), 101);

    r = eddpm({"sample", "--checkpoint", run + "/checkpoint.pt", "--schedule", "karras:5", "--n", "100", "--solver", "unipc",
               "--out", path("p.png")});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains("unipc, 5 network evaluations"), qPrintable(r.out));
    QVERIFY(QFileInfo(path("p.png")).size() > 100);

    // The network as TorchScript; a second export to the same file needs --overwrite.
    r = eddpm({"export", "--checkpoint", run + "/checkpoint.pt", "--out", path("model.ts")});
    QVERIFY2(r.code == 0 && QFileInfo(path("model.ts")).size() > 1000, qPrintable(r.err));
    r = eddpm({"export", "--checkpoint", run + "/checkpoint.pt", "--out", path("model.ts")});
    QVERIFY2(r.code == 2 && r.err.contains("--overwrite"), qPrintable(r.err));
    // Starting noise from a file: as many samples as rows; a bad row is named.
    QFile noise(path("noise.csv"));
    QVERIFY(noise.open(QIODevice::WriteOnly));
    noise.write("x,y\n0.5,-1\n2,0.25\n-0.1,0.3\n");
    noise.close();
    r = eddpm({"sample", "--checkpoint", run + "/checkpoint.pt", "--schedule", "uniform:5", "--start-noise",
               path("noise.csv"), "--out", path("from-noise.csv")});
    QVERIFY2(r.code == 0 && r.out.contains("sampled 3 points"), qPrintable(r.err + r.out));
    QVERIFY(noise.open(QIODevice::Append));
    noise.write("1,abc\n");
    noise.close();
    r = eddpm({"sample", "--checkpoint", run + "/checkpoint.pt", "--schedule", "uniform:5", "--start-noise",
               path("noise.csv"), "--out", path("from-noise.csv")});
    QVERIFY2(r.code == 2 && r.err.contains("line 5"), qPrintable(r.err));

    // A schedule for another T is refused with a reason.
    eddpm({"schedule", "--kind", "uniform", "--K", "5", "--out", path("t1000.json")});
    r = eddpm({"sample", "--checkpoint", run + "/checkpoint.pt", "--schedule", path("t1000.json"), "--out", path("x.csv")});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains("T=1000"));

    r = eddpm({"compare", "--checkpoint", run + "/checkpoint.pt", "--K", "5", "--n", "300", "--out", path("report.json")});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const QJsonArray rows = read_json(path("report.json")).array();
    QStringList names;
    for (const auto& row : rows) names << row.toObject()["schedule"].toString();
    for (const QString& kind : {"real", "full", "learned", "uniform", "quadratic", "logsnr", "karras", "kl-optimal", "beta", "elbo-dp"})
      QVERIFY2(names.contains(kind), qPrintable(kind));
    const QJsonObject real = rows[0].toObject(), full = rows[1].toObject();
    QCOMPARE(full["K"].toInt(), 50);
    QVERIFY(full["quality"].toObject()["swd"].toDouble() > real["quality"].toObject()["swd"].toDouble());
    QVERIFY(r.out.contains("learned"));

    // Two solvers at equal network evaluations: Heun gets 3 steps (5 calls) where DDIM gets 5.
    r = eddpm({"compare", "--checkpoint", run + "/checkpoint.pt", "--kinds", "uniform", "--solver", "ddim,heun", "--nfe",
               "5", "--n", "200", "--out", path("solvers.json")});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QStringList got;
    for (const auto& row : read_json(path("solvers.json")).array()) {
      const QJsonObject o = row.toObject();
      if (o["schedule"].toString() == "uniform")
        got << QString("%1 K=%2 nfe=%3").arg(o["solver"].toString()).arg(o["K"].toInt()).arg(o["nfe"].toInt());
    }
    QCOMPARE(got, (QStringList{"ddim K=5 nfe=5", "heun K=3 nfe=5"}));

    // A kind with a solver of its own: quadratic under heun alone, uniform under --solver's ddim;
    // each solver in use gets its full chain.
    r = eddpm({"compare", "--checkpoint", run + "/checkpoint.pt", "--kinds", "uniform,quadratic@heun", "--nfe", "5",
               "--n", "200", "--out", path("own-solver.json")});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    got.clear();
    for (const auto& row : read_json(path("own-solver.json")).array()) {
      const QJsonObject o = row.toObject();
      if (o["schedule"].toString() != "real")
        got << QString("%1 %2 K=%3").arg(o["schedule"].toString(), o["solver"].toString()).arg(o["K"].toInt());
    }
    QCOMPARE(got, (QStringList{"full ddim K=50", "uniform ddim K=5", "full heun K=50", "quadratic heun K=3"}));
    r = eddpm({"compare", "--checkpoint", run + "/checkpoint.pt", "--kinds", "uniform@dpm++", "--out", path("x.json")});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("--kinds") && r.err.contains("dpmpp-2m"), qPrintable(r.err));
  }

  void resumeContinuesARun() {
    const QString run = path("resumed");
    Result r = eddpm({"train", "--T", "50", "--beta", "quadratic", "--steps-kept", "5", "--iters", "100", "--warmup", "20",
                      "--ramp-end", "150", "--batch", "32", "--device", "cpu", "--log-every", "25", "--check-n", "2000",
                      "--out", run});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    r = eddpm({"train", "--resume", run, "--iters", "200"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY(r.err.contains("Resuming"));
    QFile metrics(run + "/metrics.jsonl");
    QVERIFY(metrics.open(QIODevice::ReadOnly));
    const QStringList lines = QString(metrics.readAll()).trimmed().split('\n');
    QCOMPARE(lines.size(), 8);
    QVERIFY(lines.last().contains("\"iter\":200"));
    r = eddpm({"train", "--resume", run, "--iters", "150"});
    QCOMPARE(r.code, 2);
    r = eddpm({"train", "--resume", run, "--out", run});
    QCOMPARE(r.code, 2);
  }

  // A new run into a folder that holds one is refused before anything is written; --overwrite
  // replaces it; --resume continues it.
  void newRunIntoARunFolderIsRefused() {
    const QString run = path("taken");
    const QStringList train = {"train", "--T", "20", "--steps-kept", "4", "--iters", "10", "--batch", "8",
                               "--device", "cpu", "--log-every", "5", "--check-n", "2000", "--quiet", "--out", run};
    Result r = eddpm(train);
    QVERIFY2(r.code == 0, qPrintable(r.err));
    auto contents = [&run] {
      QByteArray all;
      for (const QString& name : {"checkpoint.pt", "metrics.jsonl", "mask_history.csv", "schedule_learned.json"}) {
        QFile f(run + "/" + name);
        if (!f.open(QIODevice::ReadOnly)) return QByteArray();
        all += f.readAll();
      }
      return all;
    };
    const QByteArray before = contents();
    QVERIFY(!before.isEmpty());

    r = eddpm(train);
    QCOMPARE(r.code, 2);
    QCOMPARE(r.err.trimmed().count('\n'), 0);
    QVERIFY2(r.err.contains("--resume " + run) && r.err.contains("--overwrite"), qPrintable(r.err));
    QCOMPARE(contents(), before);
    // Only a log left (a run killed before its first checkpoint) is a run too.
    QVERIFY(QFile::remove(run + "/checkpoint.pt"));
    QCOMPARE(eddpm(train).code, 2);

    r = eddpm(train + QStringList{"--overwrite", "--seed", "3"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY(QFile::exists(run + "/checkpoint.pt"));
    QFile metrics(run + "/metrics.jsonl");
    QVERIFY(metrics.open(QIODevice::ReadOnly));
    QCOMPARE(QString(metrics.readAll()).trimmed().split('\n').size(), 2);  // one run's rows, not two

    QCOMPARE(eddpm({"train", "--resume", run, "--overwrite"}).code, 2);
  }

  // A diverging run stops with the reason, keeps a checkpoint, and resumes with a lower rate.
  void nonFiniteLossStopsAndResumes() {
    const QString run = path("diverged");
    Result r = eddpm({"train", "--T", "50", "--beta", "quadratic", "--steps-kept", "5", "--iters", "200", "--batch", "32",
                      "--lr", "1e12", "--device", "cpu", "--log-every", "10", "--check-n", "2000", "--out", run});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("loss became") && r.err.contains("last good checkpoint"), qPrintable(r.err));
    QVERIFY(QFile::exists(run + "/checkpoint.pt"));
    r = eddpm({"train", "--resume", run, "--lr", "1e-3"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
  }

  // Killed at random moments while it rewrites its checkpoint at every log point, a run always
  // leaves a checkpoint that loads and resumes: saves go to a temporary name and are renamed.
  void killedMidSaveKeepsALoadableCheckpoint() {
    const QString run = path("killed");
    const QStringList train = {"train", "--T", "50", "--beta", "quadratic", "--steps-kept", "5", "--iters", "1000000",
                               "--batch", "32", "--device", "cpu", "--log-every", "5", "--autosave-minutes", "0.00001",
                               "--check-n", "2000", "--quiet", "--out", run};
    for (int attempt = 0; attempt < 5; ++attempt) {
      QProcess p;
      p.start(EDDPM_CLI_PATH, attempt == 0 ? train : QStringList{"train", "--resume", run, "--quiet", "--autosave-minutes", "0.00001"});
      QVERIFY(p.waitForStarted());
      QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(run + "/checkpoint.pt"), 60000);  // slow machines start late
      QTest::qWait(300 + 131 * attempt);  // not awaiting anything: the kill lands at a varied moment on purpose
      p.kill();  // SIGKILL: no handler runs
      p.waitForFinished();
      const Result r = eddpm({"sample", "--checkpoint", run + "/checkpoint.pt", "--schedule", "uniform:5", "--n", "10",
                              "--out", path("after-kill.csv")});
      QVERIFY2(r.code == 0, qPrintable(QString("attempt %1: %2").arg(attempt).arg(r.err)));
    }
    // A last resume clears what the killed saves left behind (and one that is sure to be there:
    // a temporary of a writer that has exited, its PID read while it lived).
    QProcess gone;
    gone.start("cat");
    QVERIFY(gone.waitForStarted());
    const qint64 gonePid = gone.processId();
    gone.closeWriteChannel();
    QVERIFY(gone.waitForFinished());
    QFile stale(run + QString("/.checkpoint.pt.tmp-%1-9").arg(gonePid));
    QVERIFY(stale.open(QIODevice::WriteOnly));
    stale.close();
    QProcess last;
    last.start(EDDPM_CLI_PATH, {"train", "--resume", run, "--quiet"});
    QVERIFY(last.waitForStarted());
    auto temporaries = [&run] { return QDir(run).entryList({".checkpoint.pt.tmp-*"}, QDir::Hidden | QDir::Files); };
    QTRY_VERIFY_WITH_TIMEOUT(temporaries().isEmpty(), 60000);  // removed as the run starts
    last.terminate();
    last.waitForFinished();
    QVERIFY2(temporaries().size() <= 1, qPrintable(temporaries().join(", ")));  // at most a save cut short just now
  }

  void corruptCheckpointIsAOneLineError() {
    QFile junk(path("junk.pt"));
    QVERIFY(junk.open(QIODevice::WriteOnly));
    junk.write("garbage");
    junk.close();
    const Result r = eddpm({"sample", "--checkpoint", path("junk.pt"), "--schedule", "uniform:5", "--out", path("x.csv")});
    QCOMPARE(r.code, 1);
    QVERIFY(r.err.contains("not a readable checkpoint"));
    QVERIFY(!QFile::exists(path("x.csv")));
  }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
