#include "point_cloud_view.h"

namespace eddpm::widgets {

namespace {
void fill(QCPGraph* graph, const QVector<double>& xy) {
  QVector<QCPGraphData> data;
  data.reserve(xy.size() / 2);
  for (int i = 0; i + 1 < xy.size(); i += 2) data.append(QCPGraphData(xy[i], xy[i + 1]));
  // Scatter points are not a function of x: keep them unsorted so none are merged.
  graph->data()->set(data, false);
}
}  // namespace

PointCloudView::PointCloudView(QWidget* parent) : LivePlot(parent) {
  plotLayout()->insertRow(0);
  title_ = new QCPTextElement(this, QString(), QFont(font().family(), 9));
  plotLayout()->addElement(0, 0, title_);
  for (int i = 0; i < 2; ++i) {
    QCPGraph* g = addGraph();
    g->setLineStyle(QCPGraph::lsNone);
    g->setAdaptiveSampling(false);
  }
  graph(0)->setName(tr("data"));
  graph(0)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(200, 210, 225), 3));
  graph(1)->setName(tr("samples"));
  graph(1)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(30, 70, 160), 3));
  xAxis->setRange(-3, 3);
  yAxis->setRange(-3, 3);
  setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  setMinimumSize(160, 160);
}

void PointCloudView::setPoints(const QVector<double>& samples, const QVector<double>& reference, const QString& title) {
  fill(graph(0), reference);
  fill(graph(1), samples);
  title_->setText(title);
  replot(rpQueuedReplot);
}

}  // namespace eddpm::widgets
