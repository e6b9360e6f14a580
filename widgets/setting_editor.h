#pragma once
// The explorer's face of one row of the settings table (core/settings/setting_table.h): the kind
// of editor its type takes (spin box, number box, list, tick box, line), with the row's range or
// choices and its help as the tool tip, and its value read and written as the row's JSON.
#include <functional>

#include <QString>

#include <nlohmann/json.hpp>

#include "setting_table.h"

class QObject;
class QWidget;

namespace eddpm::widgets {

QWidget* makeSettingEditor(const Setting& row);
nlohmann::json settingEditorValue(const Setting& row, const QWidget* editor);
void setSettingEditorValue(const Setting& row, QWidget* editor, const nlohmann::json& value);
// Calls `changed` whenever the user changes the editor's value.
void onSettingEditorChanged(QWidget* editor, QObject* context, const std::function<void()>& changed);
// A wheel over the editor scrolls the form it sits in unless the editor has the keyboard focus:
// scrolling past a spin box must not change its value.
void scrollFormUnlessFocused(QWidget* editor);
// The form's label: the row's words and, where they differ from it, its name ("check samples
// (check_n)"), so that a message naming the setting points at the row.
QString settingLabel(const Setting& row);

}  // namespace eddpm::widgets
