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

#include "setting_editor.h"

namespace eddpm::widgets {

namespace {
QComboBox* combo(const QStringList& items, const QString& tip) {
  auto* box = new QComboBox;
  box->addItems(items);
  box->setToolTip(tip);
  return box;
}

QString tip(const char* name) { return QString::fromStdString(find_setting(name)->help); }
QString label(const char* name) { return settingLabel(*find_setting(name)); }

// The rows the form shows first, in this order; every other row but the excluded goes under
// Advanced. data, channels, keep and device have editors of their own.
const char* const kCommonRows[] = {"data", "size", "channels", "window", "model", "T", "beta", "keep", "semantics", "reward",
                                   "baseline", "iters", "warmup", "ramp_end", "batch", "lr", "lr_s", "seed",
                                   "check_n", "device"};
// Rows the explorer sets itself (settings_conversion.h): the model file is Start from's, beta's
// ends follow the schedule as the CLI's defaults do, the pinned step follows the semantics, and the
// log interval follows the data (the plots' rate).
const char* const kOwnRows[] = {"model_file", "b1", "bT", "pin_last", "log_every"};

bool listed(const char* const* begin, const char* const* end, const std::string& name) {
  return std::any_of(begin, end, [&](const char* n) { return name == n; });
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
  data_ = combo({"moons", "swissroll", "8gaussians", "checkerboard", "rings", "mnist", "folder", "weather", "csv"},
                tip("data"));
  data_->setObjectName("data");
  dataPath_ = new QLineEdit;
  channels_ = combo({tr("data's own"), tr("1 (gray)"), tr("3 (RGB)")}, tip("channels"));
  keep_ = new QSpinBox;
  keep_->setRange(1, 100000);
  keep_->setKeyboardTracking(false);
  keep_->setToolTip(tip("keep"));
  device_ = combo({"auto", "cpu", "cuda"}, tip("device"));
  for (QWidget* w : std::initializer_list<QWidget*>{data_, channels_, keep_, device_}) scrollFormUnlessFocused(w);
  for (const Setting& row : training_settings()) {
    if (listed(std::begin(kOwnRows), std::end(kOwnRows), row.name)) continue;
    if (row.name == "data" || row.name == "channels" || row.name == "keep" || row.name == "device") continue;
    fields_.push_back({&row, makeSettingEditor(row)});
  }
  editorAs<QSpinBox>("size")->setSpecialValueText(tr("data's own"));
  editorAs<QSpinBox>("warmup")->setSpecialValueText(tr("20% of the iterations"));
  editorAs<QSpinBox>("ramp_end")->setSpecialValueText(tr("80% of the iterations"));
  editorAs<QSpinBox>("check_n")->setSpecialValueText(tr("default (16,000 points, 1,000 images, 16 imputations a window)"));
  for (auto* box : {editorAs<QSpinBox>("initial_budget"), editorAs<QSpinBox>("refresh_every")})
    box->setSpecialValueText(tr("default"));
  editorAs<QCheckBox>("freeze_model")->setText(tr("train the mask only (model frozen)"));
  runDir_ = new QLineEdit;
  runDir_->setToolTip(tr("folder the run writes: checkpoint.pt, metrics.jsonl, mask_history.csv, schedule_learned.json"));
  from_ = new QLineEdit;
  from_->setPlaceholderText(tr("optional: a checkpoint or TorchScript model"));
  from_->setToolTip(tr("start from a checkpoint's model (checkpoint.pt) or from a TorchScript model trained in "
                       "PyTorch (MODEL.ts: forward(x, t) -> eps; frozen, only the mask learns)"));
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
    if (data_->currentText() == "csv") {
      const QString file = QFileDialog::getOpenFileName(this, tr("Time series (CSV)"), dataPath_->text(),
                                                        tr("CSV files (*.csv *.txt)"));
      if (!file.isEmpty()) dataPath_->setText(file);
      return;
    }
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
  for (const char* name : kCommonRows) {
    const std::string n = name;
    if (n == "data") {
      form->addRow(label("data"), data_);
      dataPathRow_ = row(dataPath_, browseData);
      dataPathLabel_ = new QLabel(tr("Data f&older"));
      dataPathLabel_->setBuddy(dataPath_);
      form->addRow(dataPathLabel_, dataPathRow_);
    } else if (n == "channels") {
      form->addRow(label(name), channels_);
    } else if (n == "keep") {
      form->addRow(tr("Steps &kept, K (keep = K/T)"), keep_);
    } else if (n == "device") {
      form->addRow(label(name), device_);
    } else {
      form->addRow(label(name), editor(name));
    }
  }
  form->addRow(tr("Run &folder"), row(runDir_, browseRun));
  form->addRow(tr("Start from"), row(from_, browseFrom));
  form->addRow(QString(), editor("freeze_model"));
  form->addRow(QString(), torchscriptWarning_);

  // Every other row of the table, folded away: what the CLI takes, the explorer takes too.
  advancedToggle_ = new QToolButton;
  advancedToggle_->setText(tr("Advanced settings"));
  advancedToggle_->setCheckable(true);
  advancedToggle_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  advancedToggle_->setArrowType(Qt::RightArrow);
  advancedToggle_->setAutoRaise(true);
  advanced_ = new QWidget;
  auto* advancedForm = new QFormLayout(advanced_);
  advancedForm->setContentsMargins(0, 0, 0, 0);
  for (const Field& f : fields_)
    if (!listed(std::begin(kCommonRows), std::end(kCommonRows), f.row->name) && f.row->name != "freeze_model")
      advancedForm->addRow(settingLabel(*f.row), f.editor);
  advanced_->hide();
  connect(advancedToggle_, &QToolButton::toggled, this, [this](bool open) {
    advanced_->setVisible(open);
    advancedToggle_->setArrowType(open ? Qt::DownArrow : Qt::RightArrow);
  });

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
  layout->addWidget(advancedToggle_);
  layout->addWidget(advanced_);
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
  for (const Field& f : fields_) onSettingEditorChanged(f.editor, this, [this] { revalidate(); });
  connect(keep_, &QSpinBox::valueChanged, this, &TrainingSetupPanel::revalidate);
  connect(channels_, &QComboBox::currentIndexChanged, this, &TrainingSetupPanel::revalidate);
  connect(device_, &QComboBox::currentTextChanged, this, &TrainingSetupPanel::revalidate);
  connect(runDir_, &QLineEdit::textChanged, this, &TrainingSetupPanel::revalidate);
  connect(dataPath_, &QLineEdit::textChanged, this, &TrainingSetupPanel::revalidate);
  connect(data_, &QComboBox::currentTextChanged, this, &TrainingSetupPanel::adaptToData);
  connect(from_, &QLineEdit::textChanged, this, &TrainingSetupPanel::adaptToData);
  connect(from_, &QLineEdit::editingFinished, this, &TrainingSetupPanel::startFromChanged);
  connect(editorAs<QCheckBox>("freeze_model"), &QCheckBox::clicked, this, &TrainingSetupPanel::startFromChanged);
  connect(editorAs<QComboBox>("beta"), &QComboBox::activated, this, &TrainingSetupPanel::baseScheduleChanged);
  // Picking time series brings CSDI's schedule (T = 50, quadratic), K = 10 (20%) and batch 16, as
  // `eddpm train` defaults to, and leaving them the usual ones; a schedule the user set otherwise stays.
  connect(data_, &QComboBox::activated, this, [this] {
    const QString kind = data_->currentText();
    const bool series = kind == "weather" || kind == "csv";
    auto* T = editorAs<QSpinBox>("T");
    auto* beta = editorAs<QComboBox>("beta");
    const bool csdi = T->value() == 50 && beta->currentText() == "quadratic";
    const bool usual = T->value() == 1000 && beta->currentText() == "linear";
    if (!(series && usual) && !(!series && csdi)) return;
    T->setValue(series ? 50 : 1000);
    setCurrent(beta, series ? QString("quadratic") : QString("linear"));
    keep_->setValue(10);
    auto* batch = editorAs<QSpinBox>("batch");
    if (batch->value() == (series ? 256 : 16)) batch->setValue(series ? 16 : 256);
    emit baseScheduleChanged();
  });
  connect(editorAs<QSpinBox>("T"), &QSpinBox::valueChanged, this, [this](int T) { keep_->setMaximum(T); });
  auto live = [this] {
    if (state_ != State::Idle) emit liveSettingsChanged(editorAs<QDoubleSpinBox>("lr_s")->value(), keep_->value());
  };
  connect(editorAs<QDoubleSpinBox>("lr_s"), &QDoubleSpinBox::valueChanged, this, live);
  connect(keep_, &QSpinBox::valueChanged, this, live);

  setSettings(TrainingSettings());
  setState(State::Idle);
  // As wide as the form with Advanced open (its labels are the longest), so opening it never
  // squeezes the rows a scroll area around the form shows.
  advanced_->show();
  setMinimumWidth(sizeHint().width());
  advanced_->hide();
}

QWidget* TrainingSetupPanel::editor(const char* name) const {
  for (const Field& f : fields_)
    if (f.row->name == name) return f.editor;
  return nullptr;
}

TrainingSettings TrainingSetupPanel::settings() const {
  TrainingSettings s;
  TrainConfig& c = s.config;
  // Every value as shown, also one its row refuses (size 5): problem() then says which and why.
  for (const Field& f : fields_) f.row->set(c, settingEditorValue(*f.row, f.editor));
  const QString kind = data_->currentText();
  const QString path = dataPath_->text().trimmed();
  const bool has_path = kind == "mnist" || kind == "folder" || kind == "csv";
  c.data = (has_path && !path.isEmpty()              ? kind + ":" + path
            : kind == "folder" || kind == "csv" ? kind + ":"
                                                : kind)
               .toStdString();
  c.channels = QList<int>{0, 1, 3}.value(channels_->currentIndex());
  c.keep = double(keep_->value()) / c.beta.T;
  c.device = device_->currentText().toStdString();
  s.runDir = runDir_->text().trimmed();
  s.fromCheckpoint = from_->text().trimmed();
  return s;
}

void TrainingSetupPanel::setSettings(const TrainingSettings& s) {
  const TrainConfig& c = s.config;
  setCurrent(data_, s.dataKind());
  dataPath_->setText(s.dataPath());
  channels_->setCurrentIndex(c.channels == 3 ? 2 : c.channels == 1 ? 1 : 0);
  for (const Field& f : fields_) setSettingEditorValue(*f.row, f.editor, f.row->get(c));
  keep_->setMaximum(c.beta.T);
  keep_->setValue(c.steps_kept());
  setCurrent(device_, QString::fromStdString(c.device));
  runDir_->setText(s.runDir);
  from_->setText(s.fromCheckpoint);
  adaptToData();
}

void TrainingSetupPanel::adaptToData() {
  const QString kind = data_->currentText();
  const bool images = kind == "mnist" || kind == "folder";
  const bool series = kind == "weather" || kind == "csv";
  const bool torchscript = isTorchscriptFile(from_->text().trimmed());
  const bool idle = state_ == State::Idle;
  dataPathRow_->setEnabled(idle && (images || kind == "csv"));
  dataPathLabel_->setText(kind == "csv" ? tr("Data f&ile") : tr("Data f&older"));
  dataPath_->setPlaceholderText(kind == "folder" ? tr("the folder of PNG/JPEG images")
                                : kind == "csv"  ? tr("a CSV file: a header, one row per time point, numeric columns")
                                : images         ? tr("default: the MNIST files scripts/fetch-mnist wrote")
                                                 : tr("only for mnist, folder and csv"));
  editor("size")->setEnabled(idle && images);
  channels_->setEnabled(idle && images);
  editor("window")->setEnabled(idle && series);
  editor("time_column")->setEnabled(idle && kind == "csv");
  // The model follows the data; only the U-Net's size is the user's choice.
  auto* model = editorAs<QComboBox>("model");
  const QString chosen = torchscript ? QString("torchscript") : series ? QString("csdi") : !images ? QString("mlp")
                         : model->currentText() == "small" ? QString("small") : QString("tiny");
  setCurrent(model, chosen);
  model->setEnabled(idle && images && !torchscript);
  torchscriptWarning_->setVisible(isTorchscriptFile(from_->text().trimmed()));
  auto* freeze = editorAs<QCheckBox>("freeze_model");
  if (torchscript) freeze->setChecked(true);  // a TorchScript model is never trained here
  freeze->setEnabled(idle && !torchscript);
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
  // A run takes new values of its live rows only (the mask's rate and K); the rest wait for the next.
  for (const Field& f : fields_) f.editor->setEnabled(idle || f.row->live);
  for (QWidget* w : std::initializer_list<QWidget*>{data_, channels_, device_, runDir_, from_}) w->setEnabled(idle);
  keep_->setEnabled(idle || find_setting("keep")->live);
  adaptToData();
  pause_->setEnabled(!idle);
  pause_->setText(state == State::Paused ? tr("Resume") : tr("Pause"));
  stop_->setEnabled(!idle);
  if (idle) {
    eta_->setText(tr("idle"));
  } else if (state == State::Paused) {
    eta_->setText(tr("paused"));
  } else {
    showVerdict(QString(), true);
    if (progress_->value() == 0) eta_->setText(tr("starting: loading the data and the model…"));
  }
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
