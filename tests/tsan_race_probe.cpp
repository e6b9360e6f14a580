// Built only under ThreadSanitizer: two threads write one plain int with no synchronization.
// CTest expects tsan_verdict.py to fail this program, which shows the verdict catches a race in
// our own code rather than passing everything that involves Qt.
#include <cstdio>
#include <thread>

int main() {
  int shared = 0;
  std::thread writer([&shared] { shared += 1; });
  shared += 2;
  writer.join();
  std::printf("%d\n", shared);
  return 0;
}
