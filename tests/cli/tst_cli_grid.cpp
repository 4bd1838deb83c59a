// prunelab-cli run --grid/--shard spreads a grid over independent comparisons (one per batch job); merge puts
// them back together as one comparison, the same as if one machine had run the whole grid.
#include "CliRun.h"

#include "core/workbench/Comparison.h"

#include <QDir>
#include <QJsonDocument>
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

const QStringList kGrid{QStringLiteral("run"),    QStringLiteral("quick-demo"),
                        QStringLiteral("--set"),  QStringLiteral("device=cpu"),
                        QStringLiteral("--set"),  QStringLiteral("dataset.demo_per_class=16"),
                        QStringLiteral("--set"),  QStringLiteral("dataset.image_size=[32,32]"),
                        QStringLiteral("--set"),  QStringLiteral("train.epochs=1"),
                        QStringLiteral("--set"),  QStringLiteral("prune.fine_tune_epochs=1"),
                        QStringLiteral("--grid"), QStringLiteral("prune.sparsity=0.5,0.8"),
                        QStringLiteral("--grid"), QStringLiteral("model.hidden=[64],[32,16]")};

/// The comparison folder a run printed last ("session: PATH").
QString sessionOf(const Result& r)
{
    return r.out.trimmed().split(QLatin1Char('\n')).last().section(QStringLiteral("session: "), 1);
}

} // namespace

class tst_CliGrid : public QObject {
    Q_OBJECT

private slots:
    void shardsMergeIntoTheWholeGrid()
    {
        QTemporaryDir root;
        QStringList shards;
        QStringList labelsPerShard;
        for (const char* shard : {"0/2", "1/2"}) {
            const Result r = cli(kGrid + QStringList{QStringLiteral("--shard"), QLatin1String(shard),
                                                     QStringLiteral("--sessions"), root.path()});
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
            shards << sessionOf(r);
            QStringList labels;
            const Comparison comparison = Comparison::open(Session::open(shards.last()));
            for (const Comparison::Entry& e : comparison.entries())
                labels << e.label;
            labelsPerShard << labels.join(QLatin1Char(' '));
        }
        // grid order: sparsity outer, hidden inner; point i goes to shard i % 2
        QCOMPARE(labelsPerShard, QStringList({"sparsity-0.5_hidden-64 sparsity-0.8_hidden-64",
                                              "sparsity-0.5_hidden-32-16 sparsity-0.8_hidden-32-16"}));
        QVERIFY(shards[0].endsWith(QStringLiteral("_quick-demo-shard-0-of-2")));

        const QString out = root.filePath(QStringLiteral("merged"));
        const Result merged =
            cli(QStringList{QStringLiteral("merge")} + shards + QStringList{QStringLiteral("--out"), out});
        QVERIFY2(merged.exitCode == 0, qPrintable(merged.err));
        const Comparison c = Comparison::open(Session::open(out));
        QCOMPARE(c.entries().size(), 4);
        QCOMPARE(c.session().state().value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        QCOMPARE(c.session().recipeJson().value(QStringLiteral("name")).toString(), QStringLiteral("quick-demo"));
        const QList<QByteArray> csv =
            c.session().readFile(QStringLiteral("results/comparison.csv")).trimmed().split('\n');
        QCOMPARE(csv.size(), 1 + 4 * 2);                 // every variant: the dense model and one pruning round
        for (const Comparison::Entry& e : c.entries()) { // each variant is the shard's session, unchanged
            QVERIFY(Comparison::isCompleted(e.path));
            const QString shard = shards[labelsPerShard[0].contains(e.label) ? 0 : 1];
            const QString file = QStringLiteral("/rounds/1/validation.json");
            QCOMPARE(Session::open(e.path).readJson(file.mid(1)),
                     Session::open(shard + QStringLiteral("/variants/") + e.label).readJson(file.mid(1)));
        }

        // the same shard twice, and a shard of another recipe, are refused
        QCOMPARE(cli({QStringLiteral("merge"), shards[0], shards[0], QStringLiteral("--out"),
                      root.filePath(QStringLiteral("twice"))})
                     .exitCode,
                 2);
        const Result other =
            cli(kGrid + QStringList{QStringLiteral("--set"), QStringLiteral("seed=7"), QStringLiteral("--shard"),
                                    QStringLiteral("1/2"), QStringLiteral("--sessions"), root.path()});
        QCOMPARE(other.exitCode, 0);
        const Result refused = cli({QStringLiteral("merge"), shards[0], sessionOf(other), QStringLiteral("--out"),
                                    root.filePath(QStringLiteral("mixed"))});
        QCOMPARE(refused.exitCode, 2);
        QVERIFY2(refused.err.contains(QStringLiteral("ran another recipe")), qPrintable(refused.err));
    }

    void badGridsExit2NamingTheKey_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::newRow("value out of range")
            << QStringList{"--grid", "prune.sparsity=0.5,2"} << "compare[1].set (sparsity-2): prune.sparsity must be";
        QTest::newRow("unknown key") << QStringList{"--grid", "prune.sparsty=0.5"}
                                     << "prune.sparsty is not a known key";
        QTest::newRow("no values") << QStringList{"--grid", "prune.sparsity"} << "--grid needs KEY=V1,V2";
        QTest::newRow("shard past the end")
            << QStringList{"--grid", "prune.sparsity=0.5", "--shard", "2/2"} << "--shard must be I/N with 0 <= I < N";
        QTest::newRow("shard without grid") << QStringList{"--shard", "0/2"} << "--shard needs at least one --grid";
    }
    void badGridsExit2NamingTheKey()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        QTemporaryDir root;
        const Result r = cli(QStringList{QStringLiteral("run"), QStringLiteral("quick-demo"),
                                         QStringLiteral("--sessions"), root.path()} +
                             arguments);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QVERIFY(QDir(root.path()).isEmpty()); // nothing started
    }
};

QTEST_GUILESS_MAIN(tst_CliGrid)
#include "tst_cli_grid.moc"
