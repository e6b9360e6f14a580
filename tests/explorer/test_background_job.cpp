// Background jobs: results, errors, cancellation.
#include <torch/torch.h>  // before Qt: its `slots` macro collides with LibTorch

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include <QtTest>

#include "background_job.h"
#include "sampler.h"
#include "fixtures.h"

using namespace eddpm;

namespace {

class TestBackgroundJob : public QObject {
  Q_OBJECT
 private slots:
  // A job runs off the GUI thread; its results are there once `finished` arrives, and a job that
  // throws ends with its reason instead of taking the explorer down.
  void backgroundJobReportsResultsAndErrors() {
    explorer::BackgroundJob job;
    QSignalSpy finished(&job, &explorer::BackgroundJob::finished);
    std::thread::id ranOn;
    job.start([&] { ranOn = std::this_thread::get_id(); });
    QVERIFY(job.running());
    QVERIFY(finished.wait(10000));
    QVERIFY(!job.running());
    QVERIFY(ranOn != std::this_thread::get_id());
    QVERIFY(job.error().empty());

    job.start([] { throw std::runtime_error("model file vanished"); });
    QVERIFY(finished.wait(10000));
    QCOMPARE(QString::fromStdString(job.error()), QString("model file vanished"));
  }

  // cancel() ends a job that watches the flag, as cancelled and without an error; a job still
  // running when its owner goes is cancelled and joined (without that this test never ends).
  void backgroundJobIsCancellable() {
    explorer::BackgroundJob job;
    QSignalSpy finished(&job, &explorer::BackgroundJob::finished);
    const std::atomic<bool>* flag = job.cancelFlag();
    auto untilCancelled = [flag] {
      while (!flag->load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      throw Cancelled();
    };
    job.start(untilCancelled);
    job.cancel();
    QVERIFY(finished.wait(10000));
    QVERIFY(job.cancelled());
    QVERIFY(job.error().empty());
    job.start([] {});
    QVERIFY(finished.wait(10000));
    QVERIFY(!job.cancelled());
    auto owned = std::make_unique<explorer::BackgroundJob>();
    const std::atomic<bool>* ownedFlag = owned->cancelFlag();
    owned->start([ownedFlag] {
      while (!ownedFlag->load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    });
    owned.reset();
  }
};

}  // namespace

int run_background_job_tests(int argc, char** argv) {
  TestBackgroundJob fixture;
  return QTest::qExec(&fixture, argc, argv);
}

#include "test_background_job.moc"
