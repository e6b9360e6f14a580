#include "elided_label.h"

#include <QResizeEvent>

namespace eddpm::widgets {

ElidedLabel::ElidedLabel(QWidget* parent) : QLabel(parent) {
  setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  setTextFormat(Qt::PlainText);
}

void ElidedLabel::setText(const QString& text) {
  full_ = text;
  setToolTip(text.size() > 0 ? text : QString());
  elide();
}

// The same whatever the text: a message never resizes the layout it is in.
QSize ElidedLabel::sizeHint() const { return {fontMetrics().averageCharWidth() * 20, fontMetrics().height() + 2 * margin()}; }

QSize ElidedLabel::minimumSizeHint() const { return {0, fontMetrics().height() + 2 * margin()}; }

void ElidedLabel::resizeEvent(QResizeEvent* event) {
  QLabel::resizeEvent(event);
  elide();
}

void ElidedLabel::elide() {
  // One line: a message's line breaks become spaces before it is cut to the width.
  const QString line = QString(full_).replace('\n', ' ');
  QLabel::setText(fontMetrics().elidedText(line, Qt::ElideRight, std::max(0, width())));
}

}  // namespace eddpm::widgets
