#include "settings_conversion.h"

#include <stdexcept>

#include "pretrained_start.h"

namespace eddpm::explorer {

namespace {
BetaSpec beta_spec(const widgets::TrainingSettings& s) {
  BetaSpec beta;
  beta.kind = beta_kind_from_string(s.beta.toStdString());
  beta.T = s.T;
  if (beta.kind == BetaKind::Quadratic) beta.bT = 0.5;  // CSDI's range, as the CLI does
  return beta;
}
}  // namespace

TrainConfig to_train_config(const widgets::TrainingSettings& s) {
  const QString problem = s.problem();
  if (!problem.isEmpty()) throw std::invalid_argument(problem.toStdString());
  TrainConfig c;
  c.data = s.data.toStdString();
  c.size = s.size;
  c.channels = s.channels;
  c.model = s.model.toStdString();
  c.beta = beta_spec(s);
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
  c.check_n = s.checkN;
  c.device = s.device.toStdString();
  c.freeze_model = s.freezeModel;
  // The panel shows every setting, so all are the user's choice.
  apply_start_from(c, s.fromCheckpoint.toStdString(), {true, true, true});
  c.pin_last = default_pin_last(c.semantics);  // not on the panel: the CLI's default
  // 2-D runs log as often as the CLI (at hundreds of iterations a second, every 50 is already about
  // the GUI's ten frames a second; more rows cost the training and are never drawn); image runs,
  // at a few iterations a second, twice as often, and rollout rewards on images (16 masks sampled
  // per iteration, a few seconds each) every 5, so that the plots move within half a minute.
  c.log_every = !c.image_data() ? 50 : c.rollout_reward() ? 5 : 25;
  validate(c);
  return c;
}

widgets::TrainingSettings from_train_config(const TrainConfig& c, const QString& runDir) {
  widgets::TrainingSettings s;
  s.data = QString::fromStdString(c.data);
  s.size = int(c.size);
  s.channels = int(c.channels);
  s.model = QString::fromStdString(c.model);
  if (c.model == "torchscript") s.fromCheckpoint = QString::fromStdString(c.model_file);
  s.T = c.beta.T;
  s.beta = QString::fromStdString(to_string(c.beta.kind));
  s.stepsKept = c.steps_kept();
  s.semantics = QString::fromStdString(to_string(c.semantics));
  s.reward = QString::fromStdString(to_string(c.reward));
  s.baseline = QString::fromStdString(to_string(c.baseline));
  s.iters = c.iters;
  s.warmup = c.warmup;
  s.rampEnd = c.ramp_end;
  s.batch = int(c.batch);
  s.lr = c.lr;
  s.lrS = c.lr_s;
  s.seed = qint64(c.seed);
  s.checkN = c.check_n;
  s.device = QString::fromStdString(c.device);
  s.freezeModel = c.freeze_model;
  s.runDir = runDir;
  return s;
}

widgets::TrainingSettings with_start_from_defaults(widgets::TrainingSettings s) {
  TrainConfig c;
  c.freeze_model = s.freezeModel;
  c.semantics = semantics_from_string(s.semantics.toStdString());
  c.reward = reward_from_string(s.reward.toStdString());
  c.warmup = s.warmup;
  apply_start_from(c, s.fromCheckpoint.toStdString(), {});
  s.freezeModel = c.freeze_model;
  s.semantics = QString::fromStdString(to_string(c.semantics));
  s.reward = QString::fromStdString(to_string(c.reward));
  s.warmup = c.warmup;
  return s;
}

widgets::TrainingSettings with_base_schedule_defaults(widgets::TrainingSettings s) {
  try {
    const bool frozen = s.freezeModel || is_torchscript_file(s.fromCheckpoint.toStdString());
    s.semantics = QString::fromStdString(to_string(frozen ? Semantics::Jump : default_semantics(beta_spec(s))));
  } catch (const std::invalid_argument&) {
    // A T the form refuses anyway: the semantics stays as shown.
  }
  return s;
}

}  // namespace eddpm::explorer
