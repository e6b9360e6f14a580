#include "training_setup_panel.h"

#include <algorithm>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

namespace eddpm::widgets {

namespace {
QComboBox* combo(const QStringList& items, const QString& tip) {
  auto* box = new QComboBox;
  box->addItems(items);
  box->setToolTip(tip);
  return box;
}

QSpinBox* spin(int lo, int hi, const QString& tip) {
  auto* box = new QSpinBox;
  box->setRange(lo, hi);
  box->setToolTip(tip);
  box->setKeyboardTracking(false);
  return box;
}

QDoubleSpinBox* rate(const QString& tip) {
  auto* box = new QDoubleSpinBox;
  box->setDecimals(6);
  box->setRange(0.0, 10.0);
  box->setSingleStep(1e-3);
  box->setToolTip(tip);
  box->setKeyboardTracking(false);
  return box;
}

QString formatEta(double seconds) {
  const qint64 s = qint64(seconds + 0.5);
  return s >= 3600 ? QString("%1:%2:%3").arg(s / 3600).arg((s / 60) % 60, 2, 10, QChar('0')).arg(s % 60, 2, 10, QChar('0'))
                   : QString("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QChar('0'));
}

// The extensions `eddpm train --from` reads as TorchScript (core's is_torchscript_file; widgets
// do not link the engine).
bool isTorchscriptFile(const QString& path) {
  return path.endsWith(".ts") || path.endsWith(".jit") || path.endsWith(".torchscript");
}

void setCurrent(QComboBox* box, const QString& text) {
  const int index = box->findText(text);
  if (index >= 0) box->setCurrentIndex(index);
}
}  // namespace

TrainingSetupPanel::TrainingSetupPanel(QWidget* parent) : QWidget(parent) {
  data_ = combo({"moons", "swissroll", "8gaussians", "checkerboard", "rings", "mnist", "folder"},
                tr("built-in 2-D data set, MNIST digits, or a folder of PNG/JPEG images"));
  dataPath_ = new QLineEdit;
  size_ = spin(0, 256, tr("image side in pixels; 14 trains MNIST in minutes on two CPU cores"));
  size_->setSpecialValueText(tr("data's own"));
  channels_ = combo({tr("data's own"), tr("1 (gray)"), tr("3 (RGB)")}, tr("channels the images are converted to"));
  model_ = combo({"mlp", "tiny", "small", "torchscript"},
                 tr("the network: mlp for 2-D data, the tiny or small U-Net for images; torchscript when starting "
                    "from a TorchScript file"));
  T_ = spin(2, 100000, tr("number of diffusion steps T"));
  beta_ = combo({"linear", "cosine", "quadratic"}, tr("base noise schedule"));
  stepsKept_ = spin(1, 100000, tr("steps kept at the end of training (K = keep x T)"));
  semantics_ = combo({"paper", "jump"}, tr("noise level of a kept step: jump keeps abar_t, paper skips the noise of dropped steps"));
  reward_ = combo({"elbo", "simple", "fidelity", "data"},
                  tr("score of a mask: the ELBO of the chain, the plain denoising loss, its few-step sample against "
                     "the full chain from the same noise (fidelity), or against a data batch (data)"));
  baseline_ = combo({"loo", "ema", "none"}, tr("REINFORCE baseline"));
  iters_ = spin(1, 100000000, tr("training iterations"));
  warmup_ = spin(0, 100000000, tr("full-chain iterations before the budget ramp starts (i1)"));
  rampEnd_ = spin(0, 100000000, tr("iteration where the budget reaches K (i2)"));
  batch_ = spin(2, 1 << 20, tr("batch size"));
  lr_ = rate(tr("Adam learning rate of the model"));
  lrS_ = rate(tr("SGD learning rate of the mask probabilities (can change while training)"));
  seed_ = spin(0, 2147483647, tr("random seed"));
  checkN_ = spin(0, 1 << 24, tr("samples per schedule when settling measures its candidates (at the ramp's end and "
                                "again three quarters of the way to the end) and when the verdict judges the "
                                "learned steps: more measure more precisely and take longer"));
  checkN_->setSpecialValueText(tr("default (16,000 points, 1,000 images)"));
  device_ = combo({"auto", "cpu", "cuda"}, tr("auto uses the GPU when LibTorch sees one"));
  runDir_ = new QLineEdit;
  runDir_->setToolTip(tr("folder the run writes: checkpoint.pt, metrics.jsonl, mask_history.csv, schedule_learned.json"));
  from_ = new QLineEdit;
  from_->setPlaceholderText(tr("optional: a checkpoint or TorchScript model"));
  from_->setToolTip(tr("start from a checkpoint's model (checkpoint.pt) or from a TorchScript model trained in "
                       "PyTorch (MODEL.ts: forward(x, t) -> eps; frozen, only the mask learns)"));
  freeze_ = new QCheckBox(tr("train the mask only (model frozen)"));
  torchscriptWarning_ = new QLabel(tr("Loading a TorchScript model runs the code it contains: start only from files "
                                      "you trust."));
  torchscriptWarning_->setWordWrap(true);
  torchscriptWarning_->setStyleSheet("color: #8a5a00");
  torchscriptWarning_->hide();

  auto* browseRun = new QToolButton;
  browseRun->setText("…");
  connect(browseRun, &QToolButton::clicked, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Run folder"), runDir_->text());
    if (!dir.isEmpty()) runDir_->setText(dir);
  });
  auto* browseFrom = new QToolButton;
  browseFrom->setText("…");
  connect(browseFrom, &QToolButton::clicked, this, [this] {
    const QString file = QFileDialog::getOpenFileName(this, tr("Start from a model"), from_->text(),
                                                      tr("Checkpoints and TorchScript models (*.pt *.ts *.jit *.torchscript)"));
    if (!file.isEmpty()) from_->setText(file);
    if (!file.isEmpty()) emit startFromChanged();
  });
  auto* browseData = new QToolButton;
  browseData->setText("…");
  connect(browseData, &QToolButton::clicked, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(
        this, data_->currentText() == "mnist" ? tr("Folder of MNIST IDX files") : tr("Folder of images"), dataPath_->text());
    if (!dir.isEmpty()) dataPath_->setText(dir);
  });
  auto row = [](QWidget* field, QWidget* button) {
    auto* w = new QWidget;
    auto* l = new QHBoxLayout(w);
    l->setContentsMargins(0, 0, 0, 0);
    l->addWidget(field);
    l->addWidget(button);
    return w;
  };

  auto* form = new QFormLayout;
  form->addRow(tr("&Data"), data_);
  dataPathRow_ = row(dataPath_, browseData);
  form->addRow(tr("Data f&older"), dataPathRow_);
  form->addRow(tr("Image si&ze"), size_);
  form->addRow(tr("Cha&nnels"), channels_);
  form->addRow(tr("M&odel"), model_);
  form->addRow(tr("&T"), T_);
  form->addRow(tr("&Beta schedule"), beta_);
  form->addRow(tr("Steps &kept (K)"), stepsKept_);
  form->addRow(tr("&Semantics"), semantics_);
  form->addRow(tr("&Reward"), reward_);
  form->addRow(tr("Base&line"), baseline_);
  form->addRow(tr("&Iterations"), iters_);
  form->addRow(tr("&Warm-up (i1)"), warmup_);
  form->addRow(tr("Ramp &end (i2)"), rampEnd_);
  form->addRow(tr("Batc&h"), batch_);
  form->addRow(tr("lr (model)"), lr_);
  form->addRow(tr("lr (&mask)"), lrS_);
  form->addRow(tr("See&d"), seed_);
  form->addRow(tr("Check sam&ples"), checkN_);
  form->addRow(tr("De&vice"), device_);
  form->addRow(tr("Run &folder"), row(runDir_, browseRun));
  form->addRow(tr("Start from"), row(from_, browseFrom));
  form->addRow(QString(), freeze_);
  form->addRow(QString(), torchscriptWarning_);

  problem_ = new QLabel;
  problem_->setStyleSheet("color: #b00020");
  problem_->setWordWrap(true);
  start_ = new QPushButton(tr("Start"));
  start_->setShortcut(QKeySequence("Ctrl+R"));
  start_->setToolTip(tr("Start training (Ctrl+R)"));
  pause_ = new QPushButton(tr("Pause"));
  pause_->setShortcut(QKeySequence("Ctrl+P"));
  pause_->setToolTip(tr("Pause or resume (Ctrl+P)"));
  stop_ = new QPushButton(tr("Stop"));
  stop_->setShortcut(QKeySequence("Ctrl+."));
  stop_->setToolTip(tr("Stop and save (Ctrl+.)"));
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(start_);
  buttons->addWidget(pause_);
  buttons->addWidget(stop_);
  progress_ = new QProgressBar;
  progress_->setRange(0, 1000);
  progress_->setValue(0);
  eta_ = new QLabel(tr("idle"));
  verdict_ = new QLabel;
  verdict_->setWordWrap(true);
  verdict_->setTextInteractionFlags(Qt::TextSelectableByMouse);  // the better schedule's steps can be copied
  verdict_->hide();

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(problem_);
  layout->addLayout(buttons);
  layout->addWidget(progress_);
  layout->addWidget(eta_);
  layout->addWidget(verdict_);
  layout->addStretch(1);

  connect(start_, &QPushButton::clicked, this, [this] {
    if (problem().isEmpty()) emit startRequested(settings());
  });
  connect(pause_, &QPushButton::clicked, this, [this] { emit pauseRequested(state_ == State::Running); });
  connect(stop_, &QPushButton::clicked, this, &TrainingSetupPanel::stopRequested);
  for (QSpinBox* box : {T_, stepsKept_, iters_, warmup_, rampEnd_, batch_})
    connect(box, &QSpinBox::valueChanged, this, &TrainingSetupPanel::revalidate);
  connect(checkN_, &QSpinBox::valueChanged, this, &TrainingSetupPanel::revalidate);
  connect(runDir_, &QLineEdit::textChanged, this, &TrainingSetupPanel::revalidate);
  connect(dataPath_, &QLineEdit::textChanged, this, &TrainingSetupPanel::revalidate);
  connect(size_, &QSpinBox::valueChanged, this, &TrainingSetupPanel::revalidate);
  connect(data_, &QComboBox::currentTextChanged, this, &TrainingSetupPanel::adaptToData);
  connect(model_, &QComboBox::currentTextChanged, this, &TrainingSetupPanel::revalidate);
  connect(from_, &QLineEdit::textChanged, this, &TrainingSetupPanel::adaptToData);
  connect(from_, &QLineEdit::editingFinished, this, &TrainingSetupPanel::startFromChanged);
  connect(freeze_, &QCheckBox::clicked, this, &TrainingSetupPanel::startFromChanged);
  connect(beta_, &QComboBox::activated, this, &TrainingSetupPanel::baseScheduleChanged);
  connect(T_, &QSpinBox::valueChanged, this, [this](int T) { stepsKept_->setMaximum(T); });
  auto live = [this] {
    if (state_ != State::Idle) emit liveSettingsChanged(lrS_->value(), stepsKept_->value());
  };
  connect(lrS_, &QDoubleSpinBox::valueChanged, this, live);
  connect(stepsKept_, &QSpinBox::valueChanged, this, live);

  setSettings(TrainingSettings());
  setState(State::Idle);
}

TrainingSettings TrainingSetupPanel::settings() const {
  TrainingSettings s;
  const QString kind = data_->currentText();
  const QString path = dataPath_->text().trimmed();
  s.data = (kind == "mnist" || kind == "folder") && !path.isEmpty() ? kind + ":" + path
           : kind == "folder"                                      ? QString("folder:")
                                                                   : kind;
  s.size = size_->value();
  s.channels = QList<int>{0, 1, 3}.value(channels_->currentIndex());
  s.model = model_->currentText();
  s.T = T_->value();
  s.beta = beta_->currentText();
  s.stepsKept = stepsKept_->value();
  s.semantics = semantics_->currentText();
  s.reward = reward_->currentText();
  s.baseline = baseline_->currentText();
  s.iters = iters_->value();
  s.warmup = warmup_->value();
  s.rampEnd = rampEnd_->value();
  s.batch = batch_->value();
  s.lr = lr_->value();
  s.lrS = lrS_->value();
  s.seed = seed_->value();
  s.checkN = checkN_->value();
  s.device = device_->currentText();
  s.runDir = runDir_->text().trimmed();
  s.fromCheckpoint = from_->text().trimmed();
  s.freezeModel = freeze_->isChecked();
  return s;
}

void TrainingSetupPanel::setSettings(const TrainingSettings& s) {
  setCurrent(data_, s.dataKind());
  dataPath_->setText(s.dataPath());
  size_->setValue(s.size);
  channels_->setCurrentIndex(s.channels == 3 ? 2 : s.channels == 1 ? 1 : 0);
  setCurrent(model_, s.model);
  T_->setValue(s.T);
  stepsKept_->setMaximum(s.T);
  setCurrent(beta_, s.beta);
  stepsKept_->setValue(s.stepsKept);
  setCurrent(semantics_, s.semantics);
  setCurrent(reward_, s.reward);
  setCurrent(baseline_, s.baseline);
  iters_->setValue(int(std::min<qint64>(s.iters, iters_->maximum())));
  warmup_->setValue(int(s.warmup));
  rampEnd_->setValue(int(s.rampEnd));
  batch_->setValue(s.batch);
  lr_->setValue(s.lr);
  lrS_->setValue(s.lrS);
  seed_->setValue(int(s.seed));
  checkN_->setValue(int(std::clamp<qint64>(s.checkN, 0, checkN_->maximum())));
  setCurrent(device_, s.device);
  runDir_->setText(s.runDir);
  from_->setText(s.fromCheckpoint);
  freeze_->setChecked(s.freezeModel);
  adaptToData();
}

void TrainingSetupPanel::adaptToData() {
  const QString kind = data_->currentText();
  const bool images = kind == "mnist" || kind == "folder";
  const bool torchscript = isTorchscriptFile(from_->text().trimmed());
  const bool idle = state_ == State::Idle;
  dataPathRow_->setEnabled(idle && images);
  dataPath_->setPlaceholderText(kind == "folder" ? tr("the folder of PNG/JPEG images")
                                : images         ? tr("default: the MNIST files scripts/fetch-mnist wrote")
                                                 : tr("only for mnist and folder"));
  size_->setEnabled(idle && images);
  channels_->setEnabled(idle && images);
  // The model follows the data; only the U-Net's size is the user's choice.
  const QString model = torchscript ? QString("torchscript") : !images ? QString("mlp")
                        : model_->currentText() == "small" ? QString("small") : QString("tiny");
  setCurrent(model_, model);
  model_->setEnabled(idle && images && !torchscript);
  torchscriptWarning_->setVisible(isTorchscriptFile(from_->text().trimmed()));
  if (torchscript) freeze_->setChecked(true);  // a TorchScript model is never trained here
  freeze_->setEnabled(idle && !torchscript);
  revalidate();
}

QString TrainingSetupPanel::formatRate(double r) {
  return r >= 10 ? QString::number(r, 'f', 0) : QString::number(r, 'g', 2);
}

QString TrainingSetupPanel::problem() const { return settings().problem(); }

void TrainingSetupPanel::revalidate() {
  const QString reason = problem();
  problem_->setText(reason);
  start_->setEnabled(state_ == State::Idle && reason.isEmpty());
}

void TrainingSetupPanel::setState(State state) {
  if (state_ == State::Idle && state == State::Running) {  // a new run: nothing done yet
    progress_->setValue(0);
    progress_->resetFormat();
  }
  state_ = state;
  const bool idle = state == State::Idle;
  for (QWidget* w : std::initializer_list<QWidget*>{data_, T_, beta_, semantics_, reward_, baseline_, iters_, warmup_,
                                                    rampEnd_, batch_, lr_, seed_, checkN_, device_, runDir_, from_})
    w->setEnabled(idle);
  adaptToData();
  pause_->setEnabled(!idle);
  pause_->setText(state == State::Paused ? tr("Resume") : tr("Pause"));
  stop_->setEnabled(!idle);
  if (idle) eta_->setText(tr("idle"));
  if (state == State::Running) showVerdict(QString(), true);
  else if (state == State::Paused) eta_->setText(tr("paused"));
  else if (progress_->value() == 0) eta_->setText(tr("starting: loading the data and the model…"));
  revalidate();
}

void TrainingSetupPanel::showProgress(const TrainingPoint& p) {
  progress_->setValue(p.total > 0 ? int(1000 * p.iteration / p.total) : 0);
  progress_->setFormat(QString("%1 / %2").arg(p.iteration).arg(p.total));
  if (state_ == State::Running)
    eta_->setText(tr("%1 it/s, ETA %2").arg(formatRate(p.itsPerSecond), formatEta(p.etaSeconds)));
}

void TrainingSetupPanel::showVerdict(const QString& summary, bool learnedWins) {
  verdict_->setText(summary);
  verdict_->setStyleSheet(learnedWins ? "color: #1b5e20" : "color: #b00020; font-weight: bold");
  verdict_->setVisible(!summary.isEmpty());
}

QString TrainingSetupPanel::verdict() const { return verdict_->isHidden() ? QString() : verdict_->text(); }

}  // namespace eddpm::widgets
