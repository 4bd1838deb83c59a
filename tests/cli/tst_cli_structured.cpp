// The interval-adjoint workflow from the command line: a structured (geometric) run writes retain.txt and its plots,
// the table and plots across iterations; killed with SIGKILL at several points and resumed, no completed round is
// redone or lost; a new session can start after any round of an earlier one (run --from SESSION --round K, the
// interval-adjoint workflow's begin_itr).
#include "CliRun.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QSize>
#include <QTemporaryDir>
#include <QTest>

using prunelab::workbench::Session;
using namespace prunelab::clitest;

namespace {

// The interval-adjoint workflow's workflow at a size that takes seconds: interval-adjoint significance, hidden layers
// of 32 and 16 neurons kept at max(1, round(h·0.8^t)) for t = 0…4, two fine-tuning epochs per round.
const QStringList kStructured{QStringLiteral("interval-adjoint-structured"),
                              QStringLiteral("--set"),
                              QStringLiteral("device=cpu"),
                              QStringLiteral("--set"),
                              QStringLiteral("dataset.source=demo"),
                              QStringLiteral("--set"),
                              QStringLiteral("dataset.demo_per_class=30"),
                              QStringLiteral("--set"),
                              QStringLiteral("dataset.image_size=[32,32]"),
                              QStringLiteral("--set"),
                              QStringLiteral("model.hidden=[32,16]"),
                              QStringLiteral("--set"),
                              QStringLiteral("train.epochs=2"),
                              QStringLiteral("--set"),
                              QStringLiteral("prune.q=0.8"),
                              QStringLiteral("--set"),
                              QStringLiteral("prune.rounds=4"),
                              QStringLiteral("--set"),
                              QStringLiteral("prune.fine_tune_epochs=2"),
                              QStringLiteral("--set"),
                              QStringLiteral("prune.calibration_images=64")};

/// N_t = max(1, round(h·0.8^t)) for h = 32 and 16, t = 0…6.
const QList<QList<qint64>> kNeurons{{32, 16}, {26, 13}, {20, 10}, {16, 8}, {13, 7}, {10, 5}, {8, 4}};

/// Neurons kept per hidden layer in a round's validation.json.
QList<qint64> neurons(const Session& s, int round)
{
    QList<qint64> kept;
    const QJsonArray layers = s.readJson(Session::roundFolder(round) + QStringLiteral("/validation.json"))
                                  .value(QStringLiteral("layers"))
                                  .toArray();
    for (qsizetype l = 0; l + 1 < layers.size(); ++l) // the output layer last, never pruned
        kept << qint64(layers[l].toObject().value(QStringLiteral("units_kept")).toDouble());
    return kept;
}

/// SHA-256 and modification time of every file of rounds 0…last.
QHash<QString, std::pair<QByteArray, QDateTime>> roundFiles(const Session& s, int last)
{
    QHash<QString, std::pair<QByteArray, QDateTime>> files;
    for (int k = 0; k <= last; ++k)
        for (const QString& f : QDir(s.filePath(Session::roundFolder(k))).entryList(QDir::Files)) {
            const QString relative = Session::roundFolder(k) + QLatin1Char('/') + f;
            files.insert(relative, {QCryptographicHash::hash(s.readFile(relative), QCryptographicHash::Sha256),
                                    QFileInfo(s.filePath(relative)).lastModified()});
        }
    return files;
}

/// The rounds of the `round` events in metrics.jsonl, in order.
QList<int> roundEvents(const Session& s)
{
    QList<int> rounds;
    for (const QJsonObject& e : s.metrics())
        if (e.value(QStringLiteral("event")).toString() == QLatin1String("round"))
            rounds << e.value(QStringLiteral("round")).toInt();
    return rounds;
}

/// Width and height from a PNG's header, {0, 0} when it is not a PNG.
QSize pngSize(const QByteArray& bytes)
{
    if (!bytes.startsWith("\x89PNG\r\n\x1a\n") || bytes.size() < 24 || bytes.mid(12, 4) != "IHDR")
        return {};
    const auto be32 = [&](int at) {
        return int((uchar(bytes[at]) << 24) | (uchar(bytes[at + 1]) << 16) | (uchar(bytes[at + 2]) << 8) |
                   uchar(bytes[at + 3]));
    };
    return {be32(16), be32(20)};
}

bool validateReproduces(const QString& session, int round)
{
    QProcess validate;
    validate.start(cli(), {QStringLiteral("validate"), session, QStringLiteral("--round"), QString::number(round)});
    return validate.waitForFinished(60000) && validate.exitCode() == 0 &&
           validate.readAllStandardOutput().contains("identical");
}

} // namespace

class tst_CliStructured : public QObject {
    Q_OBJECT

    QTemporaryDir root_;
    QString structured_; ///< an uninterrupted structured run (made by the first test that needs it)

    /// The uninterrupted structured run every structured test compares with.
    QString structuredReference()
    {
        if (structured_.isEmpty()) {
            const CliRun run =
                runCli(QStringList{QStringLiteral("run")} + kStructured +
                       QStringList{QStringLiteral("--sessions"), root_.filePath(QStringLiteral("structured"))});
            if (run.exitCode == 0 && run.status == QProcess::NormalExit)
                structured_ = run.session;
            else
                qWarning("%s", qPrintable(run.errors));
        }
        return structured_;
    }

private slots:
    // The interval-adjoint workflow's files, from the command line: retain.txt and the four plots with PNG, neurons on
    // schedule.
    void structuredRunWritesSeed001Files()
    {
        const QString path = structuredReference();
        QVERIFY(!path.isEmpty());
        const Session s = Session::open(path);
        QCOMPARE(s.readFile(QStringLiteral("results/retain.txt")),
                 QByteArray("t\tN1\tN2\tpercent\n0\t32\t16\t100.00\n1\t26\t13\t81.25\n2\t20\t10\t62.50\n"
                            "3\t16\t8\t50.00\n4\t13\t7\t41.67\n"));
        for (const char* name : {"neurons-per-iteration", "neuron-distribution", "accuracies", "losses"}) {
            const QString stem = QStringLiteral("results/plots/") + QLatin1String(name);
            QCOMPARE(pngSize(s.readFile(stem + QStringLiteral(".png"))), QSize(1280, 600)); // the 640×300 SVG, 2×
            QVERIFY(s.readFile(stem + QStringLiteral(".svg")).contains("<polyline"));
            QVERIFY(s.readFile(stem + QStringLiteral(".csv")).startsWith("series,"));
        }
        for (int k = 0; k <= 4; ++k)
            QCOMPARE(neurons(s, k), kNeurons[k]);
        QCOMPARE(roundEvents(s), QList<int>({0, 1, 2, 3, 4}));

        // export --format plots draws them again from the session: the same points, PNG beside the SVG.
        const QString out = root_.filePath(QStringLiteral("plots"));
        QProcess exporter;
        exporter.start(cli(), {QStringLiteral("export"), path, QStringLiteral("--format"), QStringLiteral("plots"),
                               QStringLiteral("--out"), out});
        QVERIFY(exporter.waitForFinished(60000));
        QVERIFY2(exporter.exitCode() == 0, exporter.readAllStandardError().constData());
        for (const char* name : {"neurons-per-iteration", "neuron-distribution", "accuracies", "losses"}) {
            const QString file = QLatin1String(name);
            QFile csv(out + QLatin1Char('/') + file + QStringLiteral(".csv"));
            QVERIFY(csv.open(QIODevice::ReadOnly));
            QCOMPARE(csv.readAll(), s.readFile(QStringLiteral("results/plots/") + file + QStringLiteral(".csv")));
            QFile png(out + QLatin1Char('/') + file + QStringLiteral(".png"));
            QVERIFY(png.open(QIODevice::ReadOnly));
            QCOMPARE(pngSize(png.readAll()), QSize(1280, 600));
        }
    }

    void structuredResumesAfterSigkill_data()
    {
        QTest::addColumn<QString>("killDuringWrite"); // the process kills itself in the middle of this write
        QTest::addColumn<int>("killAtEpochOfRound");  // or the test kills it at this round's first epoch event
        QTest::newRow("fine-tuning round 2") << QString() << 2;
        QTest::newRow("saving rounds/3/masks.pt") << "rounds/3/masks.pt" << -1;
        QTest::newRow("saving state.json after round 2") << "state.json#5" << -1;
        QTest::newRow("saving the retention plot") << "neurons-per-iteration.png" << -1;
        QTest::newRow("saving the accuracy plot at the end") << "accuracies.png" << -1;
    }
    void structuredResumesAfterSigkill()
    {
        QFETCH(QString, killDuringWrite);
        QFETCH(int, killAtEpochOfRound);
        const QString referencePath = structuredReference();
        QVERIFY(!referencePath.isEmpty());
        const Session reference = Session::open(referencePath);
        const QString sessions = root_.filePath(QString::number(QDateTime::currentMSecsSinceEpoch()));
        const CliRun killed = runCli(QStringList{QStringLiteral("run")} + kStructured +
                                         QStringList{QStringLiteral("--sessions"), sessions},
                                     killDuringWrite, [&](const QJsonObject& e) {
                                         return e.value(QStringLiteral("event")).toString() == QLatin1String("epoch") &&
                                                e.value(QStringLiteral("round")).toInt() == killAtEpochOfRound &&
                                                e.value(QStringLiteral("epoch")).toInt() == 1;
                                     });
        QCOMPARE(killed.status, QProcess::CrashExit);
        QVERIFY(!killed.session.isEmpty());
        const Session session = Session::open(killed.session);
        const int completed = session.completedRound();
        const bool atTheEnd = killDuringWrite == QLatin1String("accuracies.png");
        QCOMPARE(session.state().value(QStringLiteral("status")).toString(),
                 atTheEnd ? QStringLiteral("completed") : QStringLiteral("running"));
        QVERIFY2(atTheEnd ? completed == 4 : completed < 4, qPrintable(QString::number(completed)));
        const auto before = roundFiles(session, completed);

        const CliRun resumed = runCli({QStringLiteral("resume"), killed.session});
        QVERIFY2(resumed.exitCode == 0 && resumed.status == QProcess::NormalExit, qPrintable(resumed.errors));
        QCOMPARE(resumed.events.last().value(QStringLiteral("event")).toString(), QStringLiteral("done"));
        QList<int> ran;
        for (const QJsonObject& e : resumed.events)
            if (e.value(QStringLiteral("event")).toString() == QLatin1String("round"))
                ran << e.value(QStringLiteral("round")).toInt();
        QList<int> remaining;
        for (int k = completed + 1; k <= 4; ++k)
            remaining << k;
        QCOMPARE(ran, remaining); // nothing completed is redone, nothing is skipped

        QCOMPARE(session.state().value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        QCOMPARE(roundEvents(session), QList<int>({0, 1, 2, 3, 4})); // every round exactly once
        QCOMPARE(session.savedRounds(), reference.savedRounds());
        const auto after = roundFiles(session, completed);
        for (auto it = before.cbegin(); it != before.cend(); ++it) { // the completed rounds' files, untouched
            QVERIFY2(after.contains(it.key()), qPrintable(it.key()));
            QCOMPARE(after[it.key()].first, it.value().first);
            QCOMPARE(after[it.key()].second, it.value().second);
        }
        for (int k = 0; k <= 4; ++k) {
            const QString file = Session::roundFolder(k) + QStringLiteral("/validation.json");
            QCOMPARE(session.readJson(file), reference.readJson(file)); // same measurements, same model SHA-256
            QCOMPARE(neurons(session, k), kNeurons[k]);
        }
        QCOMPARE(epochEvents(session), epochEvents(reference));
        QCOMPARE(session.readFile(QStringLiteral("results/retain.txt")),
                 reference.readFile(QStringLiteral("results/retain.txt")));
        for (const char* name : {"neurons-per-iteration", "neuron-distribution", "accuracies", "losses"}) {
            const QString stem = QStringLiteral("results/plots/") + QLatin1String(name);
            QCOMPARE(pngSize(session.readFile(stem + QStringLiteral(".png"))), QSize(1280, 600));
            QCOMPARE(session.readFile(stem + QStringLiteral(".csv")),
                     reference.readFile(stem + QStringLiteral(".csv")));
        }
        QVERIFY(validateReproduces(session.path(), 4));
        if (killAtEpochOfRound >= 0)
            QVERIFY(validateReproduces(session.path(), 2));
    }

    // The interval-adjoint workflow's begin_itr: a new session from round 2 of an earlier one, with two rounds more
    // than it had.
    void structuredStartsFromAnEarlierRound()
    {
        const QString referencePath = structuredReference();
        QVERIFY(!referencePath.isEmpty());
        const Session reference = Session::open(referencePath);
        const QString sessions = root_.filePath(QStringLiteral("from"));
        const CliRun run = runCli({QStringLiteral("run"), QStringLiteral("--from"), referencePath,
                                   QStringLiteral("--round"), QStringLiteral("2"), QStringLiteral("--set"),
                                   QStringLiteral("prune.rounds=6"), QStringLiteral("--sessions"), sessions});
        QVERIFY2(run.exitCode == 0 && run.status == QProcess::NormalExit, qPrintable(run.errors));
        const Session branch = Session::open(run.session);
        QVERIFY(branch.path() != reference.path());
        QList<int> ran;
        for (const QJsonObject& e : run.events)
            if (e.value(QStringLiteral("event")).toString() == QLatin1String("round"))
                ran << e.value(QStringLiteral("round")).toInt();
        QCOMPARE(ran, QList<int>({3, 4, 5, 6})); // continues at t = 3
        QCOMPARE(branch.readJson(QStringLiteral("origin.json")).value(QStringLiteral("round")).toInt(), 2);
        QCOMPARE(branch.readJson(QStringLiteral("origin.json")).value(QStringLiteral("session")).toString(),
                 reference.path());
        QCOMPARE(branch.recipeJson().value(QStringLiteral("prune")).toObject().value(QStringLiteral("rounds")).toInt(),
                 6);
        QCOMPARE(roundEvents(branch), QList<int>({0, 1, 2, 3, 4, 5, 6}));
        // rounds 0…2 are the earlier session's files; 3 and 4 what its own run computed; 5 and 6 on schedule
        const auto copied = roundFiles(reference, 2), mine = roundFiles(branch, 2);
        QCOMPARE(mine.size(), copied.size());
        for (auto it = copied.cbegin(); it != copied.cend(); ++it)
            QCOMPARE(mine.value(it.key()).first, it.value().first);
        for (int k = 0; k <= 4; ++k) { // the same numbers; only the rounds planned differ after round 2
            const QString file = Session::roundFolder(k) + QStringLiteral("/validation.json");
            QJsonObject ours = branch.readJson(file), theirs = reference.readJson(file);
            QCOMPARE(ours.take(QStringLiteral("rounds")).toInt(), k <= 2 ? 4 : 6);
            theirs.remove(QStringLiteral("rounds"));
            QCOMPARE(ours, theirs);
        }
        for (int k = 0; k <= 6; ++k)
            QCOMPARE(neurons(branch, k), kNeurons[k]);
        QVERIFY(branch.readFile(QStringLiteral("results/retain.txt")).endsWith("6\t8\t4\t25.00\n"));
        QCOMPARE(branch.readFile(QStringLiteral("results/rounds.csv")).count('\n'), 1 + 7);
        QVERIFY(validateReproduces(branch.path(), 6));

        // A round that the earlier session did not complete is refused, and no session is left behind.
        const CliRun refused =
            runCli({QStringLiteral("run"), QStringLiteral("--from"), referencePath, QStringLiteral("--round"),
                    QStringLiteral("9"), QStringLiteral("--sessions"), root_.filePath(QStringLiteral("refused"))});
        QCOMPARE(refused.exitCode, 2);
        QVERIFY2(refused.errors.contains(QStringLiteral("round 9 is not a completed round of ") + reference.path() +
                                         QStringLiteral(" (completed rounds: 0 to 4)")),
                 qPrintable(refused.errors));
        QVERIFY(QDir(root_.filePath(QStringLiteral("refused"))).entryList(QDir::Dirs | QDir::NoDotAndDotDot).isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_CliStructured)
#include "tst_cli_structured.moc"
