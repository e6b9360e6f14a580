#include "setting_editor.h"

#include <algorithm>
#include <climits>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QLineEdit>
#include <QSpinBox>

namespace eddpm::widgets {

namespace {
class WheelToForm : public QObject {
 public:
  using QObject::QObject;
  bool eventFilter(QObject* watched, QEvent* event) override {
    if (event->type() != QEvent::Wheel) return false;
    auto* editor = static_cast<QWidget*>(watched);
    if (editor->hasFocus()) return false;
    event->ignore();  // passed on to the scroll area around the form
    return true;
  }
};
}  // namespace

void scrollFormUnlessFocused(QWidget* editor) {
  editor->setFocusPolicy(Qt::StrongFocus);  // focus by click or tab, not by the wheel passing over
  editor->installEventFilter(new WheelToForm(editor));
}

QWidget* makeSettingEditor(const Setting& row) {
  QWidget* editor = nullptr;
  switch (row.type) {
    case SettingType::Integer: {
      auto* box = new QSpinBox;
      // A spin box holds an int: counts that may exceed it are capped here (the CLI takes them).
      box->setRange(int(std::max<double>(row.min, INT_MIN)), int(std::min<double>(row.max, INT_MAX)));
      box->setKeyboardTracking(false);
      editor = box;
      break;
    }
    case SettingType::Real: {
      auto* box = new QDoubleSpinBox;
      box->setDecimals(6);
      box->setRange(row.min, std::min(row.max, 1e9));
      box->setSingleStep(row.max <= 1.0 ? 1e-3 : 1e-2);
      box->setKeyboardTracking(false);
      editor = box;
      break;
    }
    case SettingType::Flag:
      editor = new QCheckBox;
      break;
    case SettingType::Choice: {
      auto* box = new QComboBox;
      for (const std::string& c : row.choices) box->addItem(QString::fromStdString(c));
      editor = box;
      break;
    }
    case SettingType::Text:
      editor = new QLineEdit;
      break;
  }
  editor->setToolTip(QString::fromStdString(row.help));
  editor->setObjectName(QString::fromStdString(row.name));
  scrollFormUnlessFocused(editor);
  return editor;
}

nlohmann::json settingEditorValue(const Setting& row, const QWidget* editor) {
  switch (row.type) {
    case SettingType::Integer: return int64_t(static_cast<const QSpinBox*>(editor)->value());
    case SettingType::Real: return static_cast<const QDoubleSpinBox*>(editor)->value();
    case SettingType::Flag: return static_cast<const QCheckBox*>(editor)->isChecked();
    case SettingType::Choice: return static_cast<const QComboBox*>(editor)->currentText().toStdString();
    case SettingType::Text: return static_cast<const QLineEdit*>(editor)->text().trimmed().toStdString();
  }
  return nullptr;
}

void setSettingEditorValue(const Setting& row, QWidget* editor, const nlohmann::json& value) {
  switch (row.type) {
    case SettingType::Integer: {
      auto* box = static_cast<QSpinBox*>(editor);
      const double v = value.is_number_unsigned() ? double(value.get<uint64_t>()) : value.get<double>();
      box->setValue(int(std::clamp<double>(v, box->minimum(), box->maximum())));
      break;
    }
    case SettingType::Real:
      static_cast<QDoubleSpinBox*>(editor)->setValue(value.get<double>());
      break;
    case SettingType::Flag:
      static_cast<QCheckBox*>(editor)->setChecked(value.get<bool>());
      break;
    case SettingType::Choice: {
      auto* box = static_cast<QComboBox*>(editor);
      const int index = box->findText(QString::fromStdString(value.get<std::string>()));
      if (index >= 0) box->setCurrentIndex(index);
      break;
    }
    case SettingType::Text:
      static_cast<QLineEdit*>(editor)->setText(QString::fromStdString(value.get<std::string>()));
      break;
  }
}

void onSettingEditorChanged(QWidget* editor, QObject* context, const std::function<void()>& changed) {
  if (auto* box = qobject_cast<QSpinBox*>(editor)) QObject::connect(box, &QSpinBox::valueChanged, context, changed);
  else if (auto* real = qobject_cast<QDoubleSpinBox*>(editor))
    QObject::connect(real, &QDoubleSpinBox::valueChanged, context, changed);
  else if (auto* tick = qobject_cast<QCheckBox*>(editor)) QObject::connect(tick, &QCheckBox::toggled, context, changed);
  else if (auto* list = qobject_cast<QComboBox*>(editor))
    QObject::connect(list, &QComboBox::currentTextChanged, context, changed);
  else if (auto* line = qobject_cast<QLineEdit*>(editor)) QObject::connect(line, &QLineEdit::textChanged, context, changed);
}

QString settingLabel(const Setting& row) {
  QString words = QString::fromStdString(row.label);
  const QString name = QString::fromStdString(row.name);
  const bool same = words == name;
  words[0] = words[0].toUpper();
  return same ? words : QString("%1 (%2)").arg(words, name);
}

}  // namespace eddpm::widgets
