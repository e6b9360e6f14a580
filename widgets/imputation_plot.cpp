#include "imputation_plot.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "schedule_strip.h"

namespace eddpm::widgets {

namespace {
// Every few labels of the window under the time axis: `count` of them, about what fits unoverlapped.
QSharedPointer<QCPAxisTickerText> timeTicker(const QStringList& labels, int count) {
  auto ticker = QSharedPointer<QCPAxisTickerText>::create();
  const int every = std::max(1, int(std::ceil(labels.size() / double(count))));
  for (int i = 0; i < labels.size(); i += every) ticker->addTick(i, labels[i]);
  return ticker;
}

QCPGraph* lineGraph(QCPAxisRect* rect, const QVector<double>& values, const QPen& pen) {
  QCPGraph* g = rect->parentPlot()->addGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
  QVector<double> keys(values.size());
  for (int i = 0; i < keys.size(); ++i) keys[i] = i;
  g->setData(keys, values, true);  // NaN values leave gaps
  g->setPen(pen);
  return g;
}

QCPGraph* pointGraph(QCPAxisRect* rect, const QVector<double>& values, const QCPScatterStyle& style, const QString& name) {
  QCPGraph* g = lineGraph(rect, values, QPen(Qt::NoPen));
  g->setLineStyle(QCPGraph::lsNone);
  g->setScatterStyle(style);
  g->setName(name);
  return g;
}
}  // namespace

ImputationPlot::ImputationPlot(QWidget* parent) : LivePlot(parent) {
  // Bands are few points and filled: antialiasing costs nothing here and reads better.
  setAntialiasedElements(QCP::aeFills | QCP::aePlottables);
  plotLayout()->clear();
}

void ImputationPlot::setWindow(const SeriesWindowView& window, const QVector<ImputationBand>& bands) {
  window_ = window;
  bands_.clear();
  const int L = window.observed.size();
  for (const ImputationBand& b : bands)
    if (b.median.size() == L && b.low.size() == L && b.high.size() == L) bands_.append(b);
  rebuild();
}

void ImputationPlot::setLayout(ImputationLayout layout) {
  if (layout == layout_) return;
  layout_ = layout;
  rebuild();
}

void ImputationPlot::drawPanel(QCPAxisRect* rect, const QVector<const ImputationBand*>& bands,
                               const QVector<QColor>& colors) {
  for (int i = 0; i < bands.size(); ++i) {
    const ImputationBand& b = *bands[i];
    QColor fill = colors[i];
    fill.setAlpha(b.reference ? 35 : 55);
    QCPGraph* low = lineGraph(rect, b.low, QPen(Qt::NoPen));
    QCPGraph* high = lineGraph(rect, b.high, QPen(Qt::NoPen));
    high->setBrush(fill);
    high->setChannelFillGraph(low);
    low->setName(QString());  // unnamed: the legend lists the medians and the points alone
    high->setName(QString());
    QCPGraph* median = lineGraph(rect, b.median, QPen(colors[i], 1.6, b.reference ? Qt::DashLine : Qt::SolidLine));
    median->setName(tr("%1 (median, 5-95%)").arg(b.name));
  }
  pointGraph(rect, window_.observed, QCPScatterStyle(QCPScatterStyle::ssDisc, Qt::black, 4), tr("observed"));
  QCPScatterStyle cross(QCPScatterStyle::ssCross, QColor(200, 0, 0), 8);
  cross.setPen(QPen(QColor(200, 0, 0), 2));
  pointGraph(rect, window_.hidden, cross, tr("hidden (truth, scored)"));
  // A panel of several side by side has room for a third of the labels.
  rect->axis(QCPAxis::atBottom)->setTicker(timeTicker(window_.timeLabels, layout_ == ImputationLayout::Overlaid ? 6 : 2));
  rect->axis(QCPAxis::atBottom)->setRange(-0.5, window_.observed.size() - 0.5);
}

void ImputationPlot::rebuild() {
  clearPlottables();
  plotLayout()->clear();
  legend = nullptr;  // owned by the layout cell just cleared
  if (window_.observed.isEmpty()) return replot(rpQueuedReplot);
  plotLayout()->addElement(0, 0, new QCPTextElement(this, window_.title, QFont(font().family(), 10, QFont::Bold)));
  auto* panels = new QCPLayoutGrid;
  plotLayout()->addElement(1, 0, panels);
  QVector<QCPAxisRect*> rects;
  // The reference (full chain) first, so the schedules' bands lie over it.
  QVector<int> order;
  for (int i = 0; i < bands_.size(); ++i)
    if (bands_[i].reference) order.prepend(i);
    else order.append(i);
  auto colorOf = [this](int i) { return bands_[i].reference ? QColor(120, 120, 120) : scheduleColor(i); };
  if (layout_ == ImputationLayout::Overlaid || bands_.isEmpty()) {
    auto* rect = new QCPAxisRect(this);
    panels->addElement(0, 0, rect);
    QVector<const ImputationBand*> shown;
    QVector<QColor> colors;
    for (int i : order) {
      shown.append(&bands_[i]);
      colors.append(colorOf(i));
    }
    drawPanel(rect, shown, colors);
    rects.append(rect);
  } else {
    // A grid as square as the count allows: 2 x 2 for four panels, 3 x 2 for five or six.
    const int columns = int(std::ceil(std::sqrt(double(order.size()))));
    for (int p = 0; p < order.size(); ++p) {
      const int i = order[p];
      auto* cell = new QCPLayoutGrid;
      panels->addElement(p / columns, p % columns, cell);
      cell->addElement(0, 0, new QCPTextElement(this, bands_[i].name, QFont(font().family(), 9)));
      auto* rect = new QCPAxisRect(this);
      cell->addElement(1, 0, rect);
      drawPanel(rect, {&bands_[i]}, {colorOf(i)});
      rects.append(rect);
    }
  }
  // One legend under the panels, where it hides no value; one value range for every panel, so
  // bands compare by eye.
  legend = new QCPLegend;
  plotLayout()->addElement(2, 0, legend);
  legend->setLayer("legend");
  legend->setFont(QFont(font().family(), 8));
  legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
  legend->setWrap(3);
  legend->setBorderPen(Qt::NoPen);
  // The title and the legend take their own height; the panels the rest.
  plotLayout()->setRowStretchFactors({0.001, 1.0, 0.001});
  for (int i = 0; i < graphCount(); ++i) {
    graph(i)->removeFromLegend();
    if (graph(i)->valueAxis()->axisRect() == rects.front() && !graph(i)->name().isEmpty()) graph(i)->addToLegend(legend);
  }
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  auto extend = [&](const QVector<double>& values) {
    for (double v : values)
      if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  };
  extend(window_.observed);
  extend(window_.hidden);
  for (const ImputationBand& b : bands_) extend(b.low), extend(b.high);
  const double margin = std::isfinite(lo) ? std::max(1e-9, 0.06 * (hi - lo)) : 1.0;
  for (QCPAxisRect* rect : rects)
    if (std::isfinite(lo)) rect->axis(QCPAxis::atLeft)->setRange(lo - margin, hi + margin);
  replot(rpQueuedReplot);
}

}  // namespace eddpm::widgets
