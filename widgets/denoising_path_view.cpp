#include "denoising_path_view.h"

#include <QPainter>
#include <QScrollArea>
#include <QVBoxLayout>

#include "image_grid_view.h"

namespace eddpm::widgets {

DenoisingPathView::DenoisingPathView(QWidget* parent) : QWidget(parent) {
  auto* content = new QWidget;
  column_ = new QVBoxLayout(content);
  column_->setAlignment(Qt::AlignLeft | Qt::AlignTop);
  auto* scroll = new QScrollArea;
  scroll->setWidget(content);
  scroll->setWidgetResizable(true);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(scroll);
}

void DenoisingPathView::setRows(const QVector<PathRow>& rows) {
  qDeleteAll(strips_);
  strips_.clear();
  for (const PathRow& row : rows) {
    auto* strip = new ImageGridView;
    strip->setZoom(zoom_);
    strip->setImages(row.predictions, row.caption, std::max(1, int(row.predictions.size())));
    connect(strip, &ImageGridView::zoomChanged, this, [this](int zoom) {
      zoom_ = zoom;
      for (ImageGridView* s : strips_) s->setZoom(zoom);
    });
    column_->addWidget(strip, 0, Qt::AlignLeft);
    strips_.append(strip);
  }
}

QImage DenoisingPathView::picture() const {
  // Each strip at 4 screen pixels per image pixel under its caption.
  constexpr int scale = 4;
  int width = 0, height = 0;
  QList<QImage> grids;
  for (const ImageGridView* s : strips_) {
    grids.append(s->grid());
    width = std::max(width, grids.back().width() * scale);
    height += grids.back().height() * scale + 20;
  }
  if (grids.isEmpty()) return {};
  width = std::max(width, 400);
  QImage out(width, height, QImage::Format_RGB32);
  out.fill(Qt::white);
  QPainter painter(&out);
  int y = 0;
  for (int i = 0; i < grids.size(); ++i) {
    painter.setPen(Qt::black);
    painter.drawText(QRect(2, y, width - 4, 20), Qt::AlignLeft | Qt::AlignVCenter, strips_[i]->caption());
    y += 20;
    painter.drawImage(QRect(0, y, grids[i].width() * scale, grids[i].height() * scale), grids[i]);
    y += grids[i].height() * scale;
  }
  return out;
}

}  // namespace eddpm::widgets
