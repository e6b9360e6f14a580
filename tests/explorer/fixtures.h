#pragma once
// The fixtures of test_explorer, one per unit under the explorer's windows. Each runs its own
// Qt Test fixture and returns how many of its functions failed.
int run_thread_handoff_tests(int argc, char** argv);
int run_background_job_tests(int argc, char** argv);
int run_explorer_options_tests(int argc, char** argv);
int run_settings_conversion_tests(int argc, char** argv);
int run_quality_budget_tests(int argc, char** argv);
int run_event_loop_probe_tests(int argc, char** argv);
