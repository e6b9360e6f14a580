#include "settings_conversion.h"

#include <stdexcept>

namespace eddpm::explorer {

TrainConfig to_train_config(const widgets::TrainingSettings& s) {
  const QString problem = s.problem();
  if (!problem.isEmpty()) throw std::invalid_argument(problem.toStdString());
  TrainConfig c;
  c.data = s.data.toStdString();
  c.beta.kind = beta_kind_from_string(s.beta.toStdString());
  c.beta.T = s.T;
  if (c.beta.kind == BetaKind::Quadratic) c.beta.bT = 0.5;  // CSDI's range, as the CLI does
  c.keep = double(s.stepsKept) / s.T;
  c.semantics = semantics_from_string(s.semantics.toStdString());
  c.reward = reward_from_string(s.reward.toStdString());
  c.baseline = baseline_from_string(s.baseline.toStdString());
  c.iters = s.iters;
  c.warmup = s.warmup;
  c.ramp_end = s.rampEnd;
  c.batch = s.batch;
  c.lr = s.lr;
  c.lr_s = s.lrS;
  c.seed = uint64_t(s.seed);
  c.device = s.device.toStdString();
  c.freeze_model = s.freezeModel;
  c.log_every = 25;  // the explorer plots more often than the CLI logs
  validate(c);
  return c;
}

}  // namespace eddpm::explorer
