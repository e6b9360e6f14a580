#pragma once
// Sampled images tiled in a grid under a caption, each pixel drawn as a square block (no smoothing:
// at 14x14 a blurred digit hides what a schedule did). Views shown side by side share one zoom:
// connect each one's zoomChanged to the others' setZoom. Zoom with Ctrl+wheel or Ctrl+plus/minus.
// Fed plain QImages on the GUI thread.
#include <QImage>
#include <QVector>
#include <QWidget>

namespace eddpm::widgets {

class ImageGridView : public QWidget {
  Q_OBJECT
 public:
  static constexpr int kMinZoom = 1;
  static constexpr int kMaxZoom = 32;

  explicit ImageGridView(QWidget* parent = nullptr);

  // Images of one size, laid out row by row `columns` wide (0: the smallest square that holds
  // them). Images of another size than the first are refused (false; the view keeps what it had).
  bool setImages(const QVector<QImage>& images, const QString& caption, int columns = 0);

  int imageCount() const { return images_.size(); }
  int columns() const { return columns_; }
  QString caption() const { return caption_; }
  int zoom() const { return zoom_; }
  // The grid at one screen pixel per image pixel, one dark pixel between tiles: what is exported.
  QImage grid() const;
  // The image under a point of the widget, or -1 (for tooltips and tests).
  int imageAt(const QPoint& position) const;
  // The image drawn with a frame (-1: none): the sample whose denoising path is shown.
  int selected() const { return selected_; }

  QSize sizeHint() const override;
  // Whole images or none: a grid too large for its place is scrolled (the views around it scroll),
  // never squeezed.
  QSize minimumSizeHint() const override { return sizeHint(); }

 public slots:
  void setZoom(int zoom);  // clamped to [kMinZoom, kMaxZoom]
  void setSelected(int index);

 signals:
  void zoomChanged(int zoom);
  // A click on an image (to choose the sample whose path is shown), and a double click.
  void imageClicked(int index);
  void imageDoubleClicked(int index);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;

 private:
  int captionHeight() const;
  QSize tile() const;  // one image and its separator, at zoom 1

  QVector<QImage> images_;
  QString caption_;
  int columns_ = 0;
  int zoom_ = 4;
  int selected_ = -1;
};

}  // namespace eddpm::widgets
