// The live quality plot's time budget.

#include <QtTest>

#include "quality_budget.h"
#include "fixtures.h"

using namespace eddpm;

namespace {

class TestQualityBudget : public QObject {
  Q_OBJECT
 private slots:
  // Measuring may cost at most its share of the run's time, predicted from the time per sampling step.
  void qualityBudgetPredictsFromTheCostPerStep() {
    explorer::QualityBudget budget(0.03);
    QVERIFY(budget.allows(20, 0));  // nothing known yet: one measurement may start
    budget.spent(20, 2'000'000);     // 20 steps took 2 ms: 0.1 ms a step
    QVERIFY(!budget.allows(20, 100'000'000));   // 2 + 2 ms would be 4% of 100 ms
    QVERIFY(budget.allows(20, 200'000'000));    // 2% of 200 ms
    QVERIFY(!budget.allows(1000, 200'000'000)); // a 1000-step chain: 102 ms
    QVERIFY(budget.allows(1000, 3'400'000'000));
    QCOMPARE(budget.spentNs(), int64_t(2'000'000));
    explorer::QualityBudget images(0.01);
    images.setPrior(50'000'000);  // 50 ms a step, guessed from the training rate
    QVERIFY(!images.allows(20, 10'000'000'000));  // 1 s would be 10% of 10 s
    QVERIFY(images.allows(20, 100'000'000'000));  // 1% of 100 s
    images.spent(20, 200'000'000);                // it took 10 ms a step: now that counts
    QVERIFY(images.allows(20, 40'000'000'000));
  }
};

}  // namespace

int run_quality_budget_tests(int argc, char** argv) {
  TestQualityBudget fixture;
  return QTest::qExec(&fixture, argc, argv);
}

#include "test_quality_budget.moc"
