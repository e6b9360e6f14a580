#pragma once
// Image samples of several schedules side by side, each grid from the same starting noise as the
// full chain's grid beside them. One zoom for all (Ctrl+wheel), one selected sample for all (a
// click), and a switch to each grid's difference to the full chain. Scrolls instead of widening
// the window. Fed plain QImages on the GUI thread.
#include <QImage>
#include <QVector>
#include <QWidget>

class QCheckBox;
class QHBoxLayout;

namespace eddpm::widgets {

class ImageGridView;

struct ImageSet {
  QString caption;
  QVector<QImage> images;
  QVector<QImage> difference;  // |image - full chain's|, per image; empty for the full chain itself
};

class ImageComparisonView : public QWidget {
  Q_OBJECT
 public:
  explicit ImageComparisonView(QWidget* parent = nullptr);

  // The full chain's set first, then one per schedule.
  void setSets(const ImageSet& fullChain, const QVector<ImageSet>& sets);
  void clear();
  bool showsDifference() const;
  void setShowDifference(bool show);
  // The full chain's grid first, then the schedules'.
  const QList<ImageGridView*>& grids() const { return grids_; }
  int selectedSample() const { return selected_; }
  // Every grid as shown, side by side under its caption: the comparison montage.
  QImage picture() const;
  void setSelectedSample(int index);

 signals:
  void sampleSelected(int index);
  // A double click on a sample: show its denoising path.
  void pathRequested(int index);

 private:
  void showImages();
  ImageGridView* addGrid();

  QCheckBox* difference_;
  QHBoxLayout* row_;
  QList<ImageGridView*> grids_;
  ImageSet fullChain_;
  QVector<ImageSet> sets_;
  int selected_ = 0;
  int zoom_ = 3;
};

}  // namespace eddpm::widgets
