#include "image_comparison_view.h"

#include <algorithm>

#include <QCheckBox>
#include <QHBoxLayout>
#include <QPainter>
#include <QScrollArea>
#include <QVBoxLayout>

#include "image_grid_view.h"

namespace eddpm::widgets {

namespace {
constexpr int kColumns = 8;
}

ImageComparisonView::ImageComparisonView(QWidget* parent) : QWidget(parent) {
  difference_ = new QCheckBox(tr("&Difference to the full chain"));
  setToolTip(tr("Click a sample to select it in every grid; double-click it to see its denoising path"));
  difference_->setToolTip(tr("Each image as |sample - full chain's sample| from the same noise: black where a "
                             "schedule agrees with the full chain, white where it departs by 1 or more"));
  auto* hint = new QWidget;
  auto* top = new QHBoxLayout(hint);
  top->setContentsMargins(0, 0, 0, 0);
  top->addWidget(difference_);
  top->addStretch(1);
  auto* content = new QWidget;
  row_ = new QHBoxLayout(content);
  row_->setAlignment(Qt::AlignLeft | Qt::AlignTop);
  auto* scroll = new QScrollArea;
  scroll->setWidget(content);
  scroll->setWidgetResizable(true);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(hint);
  layout->addWidget(scroll, 1);
  connect(difference_, &QCheckBox::toggled, this, &ImageComparisonView::showImages);
}

ImageGridView* ImageComparisonView::addGrid() {
  auto* grid = new ImageGridView;
  grid->setZoom(zoom_);
  connect(grid, &ImageGridView::zoomChanged, this, [this](int zoom) {
    zoom_ = zoom;
    for (ImageGridView* g : grids_) g->setZoom(zoom);
  });
  connect(grid, &ImageGridView::imageClicked, this, [this](int index) {
    setSelectedSample(index);
    emit sampleSelected(index);
  });
  connect(grid, &ImageGridView::imageDoubleClicked, this, [this](int index) {
    setSelectedSample(index);
    emit pathRequested(index);
  });
  row_->addWidget(grid, 0, Qt::AlignTop);
  grids_.append(grid);
  return grid;
}

void ImageComparisonView::setSets(const ImageSet& fullChain, const QVector<ImageSet>& sets) {
  clear();
  fullChain_ = fullChain;
  sets_ = sets;
  // About 28 screen pixels per image, so four grids of 8 columns fit a window; Ctrl+wheel zooms.
  if (!fullChain_.images.isEmpty()) zoom_ = std::clamp(28 / std::max(1, fullChain_.images.front().width()), 1, 4);
  addGrid();
  for (int i = 0; i < sets_.size(); ++i) addGrid();
  showImages();
}

void ImageComparisonView::clear() {
  qDeleteAll(grids_);
  grids_.clear();
  fullChain_ = {};
  sets_.clear();
}

bool ImageComparisonView::showsDifference() const { return difference_->isChecked(); }

void ImageComparisonView::setShowDifference(bool show) { difference_->setChecked(show); }

void ImageComparisonView::setSelectedSample(int index) {
  selected_ = index;
  for (ImageGridView* g : grids_) g->setSelected(index);
}

void ImageComparisonView::showImages() {
  if (grids_.isEmpty()) return;
  const bool difference = showsDifference();
  grids_[0]->setImages(fullChain_.images, fullChain_.caption, kColumns);
  for (int i = 0; i < sets_.size(); ++i) {
    const ImageSet& set = sets_[i];
    const bool shown = difference && !set.difference.isEmpty();
    grids_[i + 1]->setImages(shown ? set.difference : set.images,
                             shown ? tr("%1 − full chain").arg(set.caption) : set.caption, kColumns);
  }
  setSelectedSample(selected_);
}

}  // namespace eddpm::widgets

namespace eddpm::widgets {

QImage ImageComparisonView::picture() const {
  // Each grid at 3 screen pixels per image pixel, under its caption.
  constexpr int scale = 3, captionHeight = 20, gap = 12;
  int width = 0, height = 0;
  QList<QImage> pictures;
  for (const ImageGridView* g : grids_) {
    pictures.append(g->grid());
    width += std::max(pictures.back().width() * scale, 120) + gap;
    height = std::max(height, pictures.back().height() * scale + captionHeight);
  }
  if (pictures.isEmpty()) return {};
  QImage out(width, height, QImage::Format_RGB32);
  out.fill(Qt::white);
  QPainter painter(&out);
  int x = 0;
  for (int i = 0; i < pictures.size(); ++i) {
    const int w = std::max(pictures[i].width() * scale, 120);
    painter.setPen(Qt::black);
    painter.drawText(QRect(x, 0, w, captionHeight), Qt::AlignLeft | Qt::AlignVCenter,
                     painter.fontMetrics().elidedText(grids_[i]->caption(), Qt::ElideRight, w));
    painter.drawImage(QRect(x, captionHeight, pictures[i].width() * scale, pictures[i].height() * scale), pictures[i]);
    x += w + gap;
  }
  return out;
}

}  // namespace eddpm::widgets
