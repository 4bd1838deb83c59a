// prunelab-cli run --repeat K: the recipe run with K seeds as one comparison, each seed a session, and the mean ± std
// (min–max) over the seeds printed and written to results/repeats.csv.
#include "CliRun.h"

#include "core/workbench/Comparison.h"
#include "core/workbench/RepeatStats.h"
#include "core/workbench/SessionStore.h"

#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using prunelab::workbench::Comparison;
using prunelab::workbench::Session;

namespace {

using Result = prunelab::clitest::CliResult;

Result cli(const QStringList& arguments)
{
    return prunelab::clitest::runPlain(arguments);
}

const QStringList kSmall{QStringLiteral("run"),   QStringLiteral("quick-demo"),
                         QStringLiteral("--set"), QStringLiteral("device=cpu"),
                         QStringLiteral("--set"), QStringLiteral("dataset.demo_per_class=16"),
                         QStringLiteral("--set"), QStringLiteral("dataset.image_size=[32,32]"),
                         QStringLiteral("--set"), QStringLiteral("model.hidden=[32]"),
                         QStringLiteral("--set"), QStringLiteral("train.epochs=1"),
                         QStringLiteral("--set"), QStringLiteral("prune.fine_tune_epochs=1"),
                         QStringLiteral("--set"), QStringLiteral("seed=5")};

} // namespace

class tst_CliRepeat : public QObject {
    Q_OBJECT

private slots:
    void repeatRunsEachSeedAndPrintsTheSpread()
    {
        QTemporaryDir root;
        const Result r = cli(kSmall + QStringList{QStringLiteral("--repeat"), QStringLiteral("2"),
                                                  QStringLiteral("--sessions"), root.path()});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
        QVERIFY2(r.out.contains(QStringLiteral("== variant seed-5")), qPrintable(r.out));
        QVERIFY2(r.out.contains(QStringLiteral("== variant seed-6")), qPrintable(r.out));
        QVERIFY2(r.out.contains(QStringLiteral("over the seeds")), qPrintable(r.out));
        const QString path = r.out.trimmed().split(QLatin1Char('\n')).last().section(QStringLiteral("session: "), 1);
        const Comparison c = Comparison::open(Session::open(path));
        QVERIFY(c.isRepeated());
        QCOMPARE(c.entries().size(), 2);
        QList<QList<prunelab::workbench::RoundStats>> runs;
        for (const char* seed : {"seed-5", "seed-6"}) {
            QVERIFY(Comparison::isCompleted(path + QStringLiteral("/variants/") + QLatin1String(seed)));
            runs << prunelab::workbench::SessionStore::reopen(path + QStringLiteral("/variants/") + QLatin1String(seed))
                        .rounds;
        }
        // The printed table is the aggregate of the two sessions' rounds.
        const QList<prunelab::workbench::RepeatRound> rounds = prunelab::workbench::RepeatStats::aggregate(runs);
        QVERIFY(rounds.size() >= 2);
        for (const prunelab::workbench::RepeatRound& round : rounds) {
            QCOMPARE(round.validation.n, 2);
            QVERIFY2(r.out.contains(round.validation.text()), qPrintable(round.validation.text() + "\n" + r.out));
        }
        QCOMPARE(Session::open(path).readFile(QStringLiteral("results/repeats.csv")).trimmed().count('\n'),
                 rounds.size());
    }

    void badRepeatIsRefusedNamingTheKey()
    {
        QTemporaryDir root;
        const Result r = cli(kSmall + QStringList{QStringLiteral("--repeat"), QStringLiteral("0"),
                                                  QStringLiteral("--sessions"), root.path()});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("repeats")), qPrintable(r.err));
        QVERIFY(QDir(root.path()).isEmpty()); // no session made
    }
};

QTEST_GUILESS_MAIN(tst_CliRepeat)
#include "tst_cli_repeat.moc"
