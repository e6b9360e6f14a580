#pragma once
// A one-line label for messages of any length: it shows as much as fits, ending in "…", with the
// whole text in its tooltip, and asks for no more width than a short text would, so a long error
// never widens the window.
#include <QLabel>

namespace eddpm::widgets {

class ElidedLabel : public QLabel {
  Q_OBJECT
 public:
  explicit ElidedLabel(QWidget* parent = nullptr);

  QString fullText() const { return full_; }
  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

 public slots:
  void setText(const QString& text);

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  void elide();

  QString full_;
};

}  // namespace eddpm::widgets
