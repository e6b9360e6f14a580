// The thread hand-off: tasks posted from any thread run on its own, in order.
#include <thread>
#include <vector>

#include <QtTest>

#include "thread_handoff.h"
#include "fixtures.h"

using namespace eddpm;

namespace {

class TestThreadHandoff : public QObject {
  Q_OBJECT
 private slots:
  // Tasks posted from another thread run on the handoff's thread, in the order they were posted.
  void handoffRunsTasksInOrderOnItsThread() {
    explorer::ThreadHandoff handoff;
    std::vector<int> order;
    bool allOnThisThread = true;
    std::thread poster([&] {
      for (int i = 0; i < 100; ++i)
        handoff.post([&, i] {
          order.push_back(i);
          allOnThisThread = allOnThisThread && QThread::currentThread() == handoff.thread();
        });
    });
    poster.join();
    QTRY_COMPARE(order.size(), size_t(100));
    for (int i = 0; i < 100; ++i) QCOMPARE(order[i], i);
    QVERIFY(allOnThisThread);
  }
};

}  // namespace

int run_thread_handoff_tests(int argc, char** argv) {
  TestThreadHandoff fixture;
  return QTest::qExec(&fixture, argc, argv);
}

#include "test_thread_handoff.moc"
