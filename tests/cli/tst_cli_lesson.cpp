// The GUI's default run tells the lesson's story (issue 22): dense training to at least 65 % validation accuracy on
// the demo, then at least six pruned rounds up to 99 % sparsity, each from the dense model, so that the
// accuracy-vs-weights chart is a curve with a knee and a cliff after it. Its time is a benchmark (bench lesson),
// not this test.
#include "core/workbench/AccuracyKnee.h"
#include "core/workbench/Recipe.h"
#include "core/workbench/RunTypes.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace prunelab;

class tst_CliLesson : public QObject {
    Q_OBJECT

private slots:
    void theDefaultRunShowsTheCliff()
    {
        const QString preset = workbench::Recipe::defaultPresetName();
        QTemporaryDir root;
        QVERIFY(root.isValid());
        QProcess process;
        process.start(QStringLiteral(PRUNELAB_CLI), {QStringLiteral("run"), preset, QStringLiteral("--json"),
                                                     QStringLiteral("--sessions"), root.path()});
        QVERIFY(process.waitForFinished(600000));
        QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());

        QList<workbench::RoundStats> rounds;
        for (const QByteArray& line : process.readAllStandardOutput().split('\n')) {
            const QJsonObject event = QJsonDocument::fromJson(line).object();
            if (event.value(QStringLiteral("event")).toString() == QLatin1String("round"))
                rounds << workbench::roundStatsFromJson(event);
        }
        // Dense + 6 pruned rounds: a curve, not two points.
        QVERIFY2(rounds.size() >= 7, qPrintable(QStringLiteral("%1 points").arg(rounds.size())));
        QCOMPARE(rounds.first().round, 0);
        const double dense = rounds.first().validationAccuracy;
        QVERIFY2(dense >= 0.65, qPrintable(QStringLiteral("dense validation accuracy %1 %").arg(100.0 * dense)));
        double last = 0.0;
        for (qsizetype i = 1; i < rounds.size(); ++i) {
            QVERIFY2(rounds[i].sparsity > last, "the sweep goes to sparser models, round after round");
            last = rounds[i].sparsity;
        }
        QVERIFY2(last >= 0.99 - 1e-6, qPrintable(QStringLiteral("the sweep ends at %1").arg(last)));
        // A knee to point at, and a cliff after it: the sparsest round is more than a point below dense.
        const workbench::AccuracyKnee knee = workbench::accuracyKnee(rounds);
        qInfo("%s: dense %.1f %%, %s", qPrintable(preset), 100.0 * dense, qPrintable(knee.describe()));
        QVERIFY2(knee.found, qPrintable(knee.describe()));
        QVERIFY2(knee.sparsity >= 0.8, qPrintable(knee.describe()));
        QVERIFY2(knee.sparsity < last, qPrintable(knee.describe()));
    }
};

QTEST_GUILESS_MAIN(tst_CliLesson)
#include "tst_cli_lesson.moc"
