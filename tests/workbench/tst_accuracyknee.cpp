// The knee of the accuracy-vs-weights curve: the last sparsity within 1 point of the dense validation accuracy,
// marked on the Run page's chart, in exports and in the status line when a run ends.
#include "core/workbench/AccuracyKnee.h"

#include <QTest>

using prunelab::workbench::AccuracyKnee;
using prunelab::workbench::accuracyKnee;
using prunelab::workbench::RoundStats;

namespace {

/// "0:0.670 50:0.712 80:0.693" → rounds 0, 1, 2 with those sparsities (percent) and validation accuracies.
QList<RoundStats> curve(const QString& text)
{
    QList<RoundStats> rounds;
    const QStringList points = text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (const QString& point : points) {
        const QStringList parts = point.split(QLatin1Char(':'));
        RoundStats r;
        r.round = int(rounds.size());
        r.sparsity = parts[0].toDouble() / 100.0;
        r.validationAccuracy = parts[1].toDouble();
        r.testAccuracy = 0.25; // never read: a knee on test accuracy would fail every row
        r.hasTest = true;
        rounds << r;
    }
    return rounds;
}

} // namespace

class tst_AccuracyKnee : public QObject {
    Q_OBJECT

private slots:
    void findsTheLastSparsityWithinOnePoint_data()
    {
        QTest::addColumn<QString>("points");
        QTest::addColumn<bool>("found");
        QTest::addColumn<int>("round");
        QTest::addColumn<QString>("text");
        // The accuracy-cliff preset as measured on a 2-core PC: dense 67.0 %, the cliff after 95 %.
        QTest::newRow("accuracy-cliff") << "0:0.670 50:0.726 80:0.708 90:0.679 95:0.675 98:0.538 99:0.462" << true << 4
                                        << "knee: 95 % pruned, 0.5 pt above dense";
        QTest::newRow("exactly one point below counts")
            << "0:0.710 50:0.715 90:0.700 98:0.600" << true << 2 << "knee: 90 % pruned, 1.0 pt below dense";
        QTest::newRow("just over one point below does not")
            << "0:0.710 50:0.715 90:0.6995 98:0.600" << true << 1 << "knee: 50 % pruned, 0.5 pt above dense";
        QTest::newRow("a noisy dip does not hide a later point")
            << "0:0.700 50:0.650 80:0.695 95:0.500" << true << 2 << "knee: 80 % pruned, 0.5 pt below dense";
        QTest::newRow("order of arrival does not matter")
            << "0:0.700 95:0.500 80:0.695 50:0.700" << true << 2 << "knee: 80 % pruned, 0.5 pt below dense";
        QTest::newRow("fractional sparsity")
            << "0:0.700 99.5:0.700" << true << 1 << "knee: 99.5 % pruned, 0.0 pt below dense";
        QTest::newRow("every pruned round falls further")
            << "0:0.700 50:0.650 90:0.400" << false << 0 << "no pruned round within 1.0 pt of dense";
        QTest::newRow("dense only") << "0:0.700" << false << 0 << "";
        QTest::newRow("nothing") << "" << false << 0 << "";
    }
    void findsTheLastSparsityWithinOnePoint()
    {
        QFETCH(QString, points);
        QFETCH(bool, found);
        QFETCH(int, round);
        QFETCH(QString, text);
        const AccuracyKnee knee = accuracyKnee(curve(points));
        QCOMPARE(knee.found, found);
        QCOMPARE(knee.round, round);
        QCOMPARE(knee.describe(), text);
        if (found)
            QCOMPARE(knee.sparsity, curve(points)[round].sparsity);
    }

    void withoutADenseRoundThereIsNoKnee()
    {
        QList<RoundStats> rounds = curve(QStringLiteral("0:0.700 50:0.700 90:0.700"));
        rounds.removeFirst(); // a comparison variant read back without its dense round, say
        const AccuracyKnee knee = accuracyKnee(rounds);
        QVERIFY(!knee.found);
        QVERIFY(!knee.measured);
        QVERIFY(knee.describe().isEmpty());
    }

    void aGradualRunHasNoKnee()
    {
        // Its round 0 is the model after start_epoch (26 % here), its rounds the epochs that follow: a learning curve.
        QList<RoundStats> rounds = curve(QStringLiteral("0:0.260 50:0.350 80:0.380 90:0.390"));
        QVERIFY(accuracyKnee(rounds).found);
        rounds[1].gradualSteps.append({10, 1.5, 0.4, 0.4});
        const AccuracyKnee knee = accuracyKnee(rounds);
        QVERIFY(!knee.measured);
        QVERIFY(!knee.found);
        QVERIFY(knee.describe().isEmpty());
    }

    void toleranceIsAParameter()
    {
        const QList<RoundStats> rounds = curve(QStringLiteral("0:0.700 50:0.690 90:0.670 98:0.600"));
        QCOMPARE(accuracyKnee(rounds, 1.0).round, 1);
        QCOMPARE(accuracyKnee(rounds, 3.0).round, 2);
        QVERIFY(qAbs(accuracyKnee(rounds, 3.0).pointsBelowDense() - 3.0) < 1e-9);
    }
};

QTEST_GUILESS_MAIN(tst_AccuracyKnee)
#include "tst_accuracyknee.moc"
