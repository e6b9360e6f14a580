#pragma once
// The small runs the trainer's tests train (test_trainer, test_settling): quadratic betas, T 50,
// 10 steps kept, CPU.
#include "train_config.h"

namespace eddpm::test {

inline TrainConfig small_run() {
  TrainConfig c;
  c.beta = {BetaKind::Quadratic, 50, 1e-4, 0.5};
  c.keep = 0.2;  // 10 of 50 steps
  c.iters = 2000;
  c.warmup = 300;
  c.ramp_end = 1500;
  c.batch = 128;
  c.device = "cpu";
  c.log_every = 100;
  c.check_n = 2000;  // what settling measures is tested, not how precisely: 16,000 points cost minutes here
  return c;
}

// The same, shorter: a run of `iters` iterations, its ramp from `warmup` to `ramp_end`.
inline TrainConfig small_run(int64_t iters, int64_t warmup, int64_t ramp_end, int64_t batch) {
  TrainConfig c = small_run();
  c.iters = iters;
  c.warmup = warmup;
  c.ramp_end = ramp_end;
  c.batch = batch;
  return c;
}

}  // namespace eddpm::test
