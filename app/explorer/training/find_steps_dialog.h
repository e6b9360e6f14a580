#pragma once
// Find steps: which K steps to use with the loaded model and a solver. Every family, the field's
// searches and EDDPM's mask search propose, each with a progress bar; all are scored on held-out
// samples and the table ranks them; the best open in Sample & compare side by side.
#include <QDialog>
#include <QVector>

#include "background_job.h"
#include "find_steps.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QTimer;

namespace eddpm::explorer {

class FindStepsDialog : public QDialog {
  Q_OBJECT
 public:
  FindStepsDialog(const QString& checkpoint, int K, const QString& solver, QWidget* parent = nullptr);

  void start();
  bool running() const { return job_.running(); }
  const FindStepsResult& result() const { return result_; }
  QTableWidget* table() const { return table_; }
  QString statusText() const;
  // Esc or Close: stops a running search first (the dialog stays open to say so).
  void reject() override;

 signals:
  // The best candidates' schedule files (the winner first, as many as Sample & compare shows) and
  // the solver they were scored with.
  void openInSampleCompare(const QStringList& files, const QString& solver, int K);
  void done();

 private:
  void showProgress();
  void showResult();

  QString checkpoint_;
  QSpinBox* K_;
  QComboBox* solver_;
  QComboBox* measure_;
  QDoubleSpinBox* budget_;
  QPushButton* find_;
  QPushButton* open_;
  QLabel* status_;
  QVector<QProgressBar*> bars_;
  QVector<QLabel*> notes_;
  QTableWidget* table_;
  QTimer* poll_;
  FindStepsProgress progress_;
  FindStepsRequest request_;
  FindStepsResult result_;  // written by the job, read after it has finished
  // Last, so it is destroyed first: its destructor cancels and joins a running job, which writes
  // progress_ and result_ until it ends; those must outlive it.
  BackgroundJob job_;
};

}  // namespace eddpm::explorer
