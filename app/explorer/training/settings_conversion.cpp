#include "settings_conversion.h"

#include <stdexcept>

#include "pretrained_start.h"

namespace eddpm::explorer {

namespace {
// The ends of the schedule's betas follow its kind, as `eddpm train --beta` gives them.
BetaSpec beta_spec(const TrainConfig& c) {
  BetaSpec beta;
  beta.kind = c.beta.kind;
  beta.T = c.beta.T;
  if (beta.kind == BetaKind::Quadratic) beta.bT = 0.5;  // CSDI's range, as the CLI does
  return beta;
}
}  // namespace

TrainConfig to_train_config(const widgets::TrainingSettings& s) {
  const QString problem = s.problem();
  if (!problem.isEmpty()) throw std::invalid_argument(problem.toStdString());
  TrainConfig c = s.config;
  c.beta = beta_spec(c);
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
  s.config = c;
  if (c.model == "torchscript") s.fromCheckpoint = QString::fromStdString(c.model_file);
  s.runDir = runDir;
  return s;
}

widgets::TrainingSettings with_start_from_defaults(widgets::TrainingSettings s) {
  apply_start_from(s.config, s.fromCheckpoint.toStdString(), {});
  return s;
}

widgets::TrainingSettings with_base_schedule_defaults(widgets::TrainingSettings s) {
  try {
    const bool frozen = s.config.freeze_model || is_torchscript_file(s.fromCheckpoint.toStdString());
    s.config.semantics = frozen ? Semantics::Jump : default_semantics(beta_spec(s.config));
  } catch (const std::invalid_argument&) {
    // A T the form refuses anyway: the semantics stays as shown.
  }
  return s;
}

}  // namespace eddpm::explorer
