// The programs keep freed memory mapped, so a training step's tensors, freed and allocated again
// every iteration, do not fault their pages in anew each time.
#include <sys/resource.h>

#include <cstdlib>
#include <cstring>

#include <QtTest>

#include "heap_tuning.h"

namespace {
long minor_page_faults() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_minflt;
}

// Like one iteration's activations: a few MiB allocated, written and freed.
void allocate_write_free(size_t bytes) {
  auto* block = static_cast<volatile char*>(std::malloc(bytes));
  for (size_t i = 0; i < bytes; i += 4096) block[i] = 1;
  std::free(const_cast<char*>(block));
}
}  // namespace

class TestHeapTuning : public QObject {
  Q_OBJECT
 private slots:
  void freedBlocksAreReusedWithoutPageFaults() {
#if !defined(__GLIBC__) || defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    QSKIP("tunes glibc's malloc only (a sanitizer brings its own allocator)");
#endif
    eddpm::keep_freed_memory_mapped();
    const size_t bytes = size_t(8) << 20;  // 2,048 pages
    allocate_write_free(bytes);
    const long before = minor_page_faults();
    for (int round = 0; round < 5; ++round) allocate_write_free(bytes);
    const long faults = minor_page_faults() - before;
    QVERIFY2(faults < 100, qPrintable(QString("%1 page faults for 5 rounds of 8 MiB").arg(faults)));
  }
};

QTEST_GUILESS_MAIN(TestHeapTuning)
#include "test_heap_tuning.moc"
