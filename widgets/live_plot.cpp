#include "live_plot.h"

#include <QContextMenuEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>

#include "save_file.h"

namespace eddpm::widgets {

LivePlot::LivePlot(QWidget* parent) : QCustomPlot(parent) {
  setAntialiasedElements(QCP::aeNone);
  setPlottingHint(QCP::phFastPolylines, true);
  setNoAntialiasingOnDrag(true);
  setMinimumSize(240, 160);
  legend->setFont(QFont(font().family(), 8));
}

void LivePlot::appendBounded(QCPGraph* graph, double key, double value) {
  graph->addData(key, value);  // keys arrive in order: addData keeps the container sorted cheaply
  auto data = graph->data();
  if (data->size() <= kMaxPoints) return;
  QVector<QCPGraphData> thinned;
  thinned.reserve(data->size() / 2 + 1);
  int index = 0;
  for (auto it = data->constBegin(); it != data->constEnd(); ++it, ++index)
    if (index % 2 == 0 || it + 1 == data->constEnd()) thinned.append(*it);
  data->set(thinned, true);
}

void LivePlot::requestRedraw() {
  if (scheduler_)
    scheduler_->request(this);
  else
    redraw();
}

bool LivePlot::exportTo(const QString& path, QString* error) {
  const QString suffix = QFileInfo(path).suffix().toLower();
  if (suffix != "png" && suffix != "pdf") {
    if (error) *error = tr("Plots export as .png or .pdf");
    return false;
  }
  const bool ok = saveAtomically(path, error, [&](const QString& temporary) {
    return suffix == "png" ? savePng(temporary, 0, 0, 2.0) : savePdf(temporary);
  });
  if (ok) emit exported(path);
  return ok;
}

void LivePlot::contextMenuEvent(QContextMenuEvent* event) {
  QMenu menu(this);
  QAction* save = menu.addAction(tr("Save plot as PNG or PDF…"));
  QAction* rescale = menu.addAction(tr("Fit all data"));
  QAction* chosen = menu.exec(event->globalPos());
  if (chosen == rescale) {
    fitToData();
    replot(rpQueuedReplot);
  } else if (chosen == save) {
    const QString path = QFileDialog::getSaveFileName(this, tr("Save plot"), QString(), tr("PNG image (*.png);;PDF (*.pdf)"));
    if (path.isEmpty()) return;
    QString error;
    if (!exportTo(path, &error)) QMessageBox::warning(this, tr("Plot not saved"), error);
  }
}

}  // namespace eddpm::widgets
