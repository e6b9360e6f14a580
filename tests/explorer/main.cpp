// test_explorer: the units under the explorer's windows, one fixture each, in one program (one link
// instead of six). Every fixture runs; the exit code counts the failures of all of them.
#include <QCoreApplication>

#include "fixtures.h"

int main(int argc, char** argv) {
  QCoreApplication app(argc, argv);
  int failed = 0;
  for (auto run : {run_thread_handoff_tests, run_background_job_tests, run_explorer_options_tests,
                   run_settings_conversion_tests, run_quality_budget_tests, run_event_loop_probe_tests})
    failed += run(argc, argv);
  return failed;
}
