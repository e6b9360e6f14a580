#pragma once
// 2-D samples drawn over fresh samples of the true density, with the quality value in the title.
#include "live_plot.h"

namespace eddpm::widgets {

class PointCloudView : public LivePlot {
  Q_OBJECT
 public:
  explicit PointCloudView(QWidget* parent = nullptr);

  // Points as interleaved (x, y) pairs.
  void setPoints(const QVector<double>& samples, const QVector<double>& reference, const QString& title);
  int sampleCount() const { return graph(1)->data()->size(); }
  QString title() const { return title_->text(); }

 private:
  QCPTextElement* title_;
};

}  // namespace eddpm::widgets
