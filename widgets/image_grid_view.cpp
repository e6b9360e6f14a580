#include "image_grid_view.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace eddpm::widgets {

namespace {
constexpr int kSeparator = 1;  // image pixels between tiles
const QColor kSeparatorColor(40, 40, 40);
}  // namespace

ImageGridView::ImageGridView(QWidget* parent) : QWidget(parent) {
  setFocusPolicy(Qt::ClickFocus);  // Ctrl+plus/minus once clicked
  setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
}

bool ImageGridView::setImages(const QVector<QImage>& images, const QString& caption, int columns) {
  for (const QImage& image : images)
    if (image.size() != images.front().size()) return false;
  images_ = images;
  caption_ = caption;
  const int n = images_.size();
  columns_ = columns > 0 ? std::min(columns, std::max(1, n)) : std::max(1, int(std::ceil(std::sqrt(double(n)))));
  setToolTip(caption_);
  updateGeometry();
  update();
  return true;
}

QSize ImageGridView::tile() const {
  if (images_.isEmpty()) return {};
  return images_.front().size() + QSize(kSeparator, kSeparator);
}

QImage ImageGridView::grid() const {
  if (images_.isEmpty()) return {};
  const QSize t = tile();
  const int rows = (images_.size() + columns_ - 1) / columns_;
  QImage out(columns_ * t.width() - kSeparator, rows * t.height() - kSeparator, QImage::Format_RGB32);
  out.fill(kSeparatorColor);
  QPainter painter(&out);
  for (int i = 0; i < images_.size(); ++i)
    painter.drawImage(QPoint((i % columns_) * t.width(), (i / columns_) * t.height()), images_[i]);
  return out;
}

int ImageGridView::captionHeight() const { return caption_.isEmpty() ? 0 : fontMetrics().height() + 4; }

QSize ImageGridView::sizeHint() const {
  const QImage g = grid();
  // Not the caption's width: a long caption is elided (whole in the tooltip), never widens the window.
  return {std::max(g.width() * zoom_, 40), g.height() * zoom_ + captionHeight()};
}

int ImageGridView::imageAt(const QPoint& position) const {
  if (images_.isEmpty() || position.y() < captionHeight() || position.x() < 0) return -1;
  const QSize t = tile() * zoom_;
  const int column = position.x() / t.width(), row = (position.y() - captionHeight()) / t.height();
  const int index = row * columns_ + column;
  return column < columns_ && index < images_.size() ? index : -1;
}

void ImageGridView::setZoom(int zoom) {
  zoom = std::clamp(zoom, kMinZoom, kMaxZoom);
  if (zoom == zoom_) return;
  zoom_ = zoom;
  updateGeometry();
  update();
  emit zoomChanged(zoom_);
}

void ImageGridView::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
  if (!caption_.isEmpty()) {
    const QRect line(0, 0, width(), captionHeight());
    painter.drawText(line, Qt::AlignLeft | Qt::AlignVCenter,
                     fontMetrics().elidedText(caption_, Qt::ElideRight, width()));  // whole text in the tooltip
  }
  const QImage g = grid();
  if (!g.isNull()) painter.drawImage(QRect(QPoint(0, captionHeight()), g.size() * zoom_), g);
  if (selected_ >= 0 && selected_ < images_.size()) {
    const QSize t = tile() * zoom_;
    painter.setPen(QPen(QColor(230, 120, 30), 2));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(QRect(QPoint((selected_ % columns_) * t.width(), captionHeight() + (selected_ / columns_) * t.height()),
                           t - QSize(zoom_, zoom_)).adjusted(-1, -1, 1, 1));
  }
}

void ImageGridView::setSelected(int index) {
  if (index == selected_) return;
  selected_ = index;
  update();
}

void ImageGridView::mouseDoubleClickEvent(QMouseEvent* event) {
  const int index = imageAt(event->position().toPoint());
  if (index >= 0 && event->button() == Qt::LeftButton) emit imageDoubleClicked(index);
  QWidget::mouseDoubleClickEvent(event);
}

void ImageGridView::mousePressEvent(QMouseEvent* event) {
  const int index = imageAt(event->position().toPoint());
  if (index >= 0 && event->button() == Qt::LeftButton) emit imageClicked(index);
  QWidget::mousePressEvent(event);
}

void ImageGridView::wheelEvent(QWheelEvent* event) {
  if (!(event->modifiers() & Qt::ControlModifier)) return QWidget::wheelEvent(event);  // scrolls the page
  const int steps = event->angleDelta().y() / 120;
  if (steps != 0) setZoom(zoom_ + steps);
  event->accept();
}

void ImageGridView::keyPressEvent(QKeyEvent* event) {
  if (event->modifiers() & Qt::ControlModifier) {
    if (event->key() == Qt::Key_Plus || event->key() == Qt::Key_Equal) return setZoom(zoom_ + 1);
    if (event->key() == Qt::Key_Minus) return setZoom(zoom_ - 1);
  }
  QWidget::keyPressEvent(event);
}

}  // namespace eddpm::widgets
