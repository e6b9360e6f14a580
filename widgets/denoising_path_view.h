#pragma once
// The denoising path of one sample: for each schedule a strip of its estimates of the clean image
// at each kept step, from the first step (pure noise in) to the last, so the user sees where a
// schedule spends its steps. One zoom for all strips; scrolls instead of widening the window.
#include <QImage>
#include <QVector>
#include <QWidget>

class QVBoxLayout;

namespace eddpm::widgets {

class ImageGridView;

struct PathRow {
  QString caption;            // e.g. "learned, 10 steps: t = 999 … 0"
  QVector<QImage> predictions;  // one per kept step, in sampling order
};

class DenoisingPathView : public QWidget {
  Q_OBJECT
 public:
  explicit DenoisingPathView(QWidget* parent = nullptr);

  void setRows(const QVector<PathRow>& rows);
  const QList<ImageGridView*>& strips() const { return strips_; }
  // Every strip stacked in one picture, for export.
  QImage picture() const;

 private:
  QVBoxLayout* column_;
  QList<ImageGridView*> strips_;
  int zoom_ = 4;
};

}  // namespace eddpm::widgets
