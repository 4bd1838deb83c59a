// prunelab-cli run killed with SIGKILL at several points, then prunelab-cli resume: every completed round is kept
// as it was (files not rewritten) and the finished session equals an uninterrupted run's, round for round.
// Structured runs: tst_cli_structured.
#include "CliRun.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

using prunelab::workbench::Session;
using namespace prunelab::clitest;

namespace {

const QStringList kRecipe{QStringLiteral("quick-demo"),
                          QStringLiteral("--set"),
                          QStringLiteral("device=cpu"),
                          QStringLiteral("--set"),
                          QStringLiteral("dataset.demo_per_class=30"),
                          QStringLiteral("--set"),
                          QStringLiteral("dataset.image_size=[32,32]"),
                          QStringLiteral("--set"),
                          QStringLiteral("model.hidden=[64,32]"),
                          QStringLiteral("--set"),
                          QStringLiteral("train.epochs=2"),
                          QStringLiteral("--set"),
                          QStringLiteral("prune.schedule=iterative"),
                          QStringLiteral("--set"),
                          QStringLiteral("prune.rounds=3"),
                          QStringLiteral("--set"),
                          QStringLiteral("prune.rate=0.5"),
                          QStringLiteral("--set"),
                          QStringLiteral("prune.fine_tune_epochs=2")};

} // namespace

class tst_CliResume : public QObject {
    Q_OBJECT

    QTemporaryDir root_;
    QString reference_;
private slots:
    void initTestCase()
    {
        const CliRun run =
            runCli(QStringList{QStringLiteral("run")} + kRecipe +
                   QStringList{QStringLiteral("--sessions"), root_.filePath(QStringLiteral("reference"))});
        QVERIFY2(run.exitCode == 0 && run.status == QProcess::NormalExit, qPrintable(run.errors));
        QCOMPARE(run.events.last().value(QStringLiteral("event")).toString(), QStringLiteral("done"));
        QCOMPARE(run.events.last().value(QStringLiteral("session")).toString(), run.session);
        reference_ = run.session;
    }

    void resumesAfterSigkill_data()
    {
        QTest::addColumn<QString>("killDuringWrite"); // the process kills itself in the middle of this write
        QTest::addColumn<int>("killAtEpochOfRound");  // or the test kills it at this round's first epoch event
        QTest::newRow("training the dense model") << QString() << 0;
        QTest::newRow("fine-tuning round 2") << QString() << 2;
        QTest::newRow("saving rounds/2/model.pt") << "rounds/2/model.pt" << -1;
        QTest::newRow("saving rounds/1/masks.pt") << "rounds/1/masks.pt" << -1;
        QTest::newRow("saving rounds/0/initial.pt") << "rounds/0/initial.pt" << -1;
        QTest::newRow("saving state.json after round 1") << "state.json#4" << -1;
        QTest::newRow("saving state.json as completed") << "state.json#7" << -1;
    }
    void resumesAfterSigkill()
    {
        QFETCH(QString, killDuringWrite);
        QFETCH(int, killAtEpochOfRound);
        const QString sessions = root_.filePath(QString::number(QDateTime::currentMSecsSinceEpoch()));
        const CliRun killed =
            runCli(QStringList{QStringLiteral("run")} + kRecipe + QStringList{QStringLiteral("--sessions"), sessions},
                   killDuringWrite, [&](const QJsonObject& e) {
                       return e.value(QStringLiteral("event")).toString() == QLatin1String("epoch") &&
                              e.value(QStringLiteral("round")).toInt() == killAtEpochOfRound;
                   });
        QCOMPARE(killed.status, QProcess::CrashExit);
        QVERIFY(!killed.session.isEmpty());
        const Session session = Session::open(killed.session);
        QCOMPARE(session.state().value(QStringLiteral("status")).toString(), QStringLiteral("running"));
        const int completed = session.completedRound();
        QVERIFY(completed < 3 || killDuringWrite == QLatin1String("state.json#7"));
        QHash<QString, QDateTime> written; // the completed rounds' files, which resume must not touch
        for (int k = 0; k <= completed; ++k)
            for (const QString& f : QDir(session.filePath(Session::roundFolder(k))).entryList(QDir::Files))
                written.insert(
                    Session::roundFolder(k) + QLatin1Char('/') + f,
                    QFileInfo(session.filePath(Session::roundFolder(k) + QLatin1Char('/') + f)).lastModified());

        const CliRun resumed = runCli({QStringLiteral("resume"), killed.session});
        QVERIFY2(resumed.exitCode == 0 && resumed.status == QProcess::NormalExit, qPrintable(resumed.errors));
        QCOMPARE(resumed.events.last().value(QStringLiteral("event")).toString(), QStringLiteral("done"));
        QCOMPARE(resumed.events.last().value(QStringLiteral("session")).toString(), session.path());
        int roundsRun = 0;
        for (const QJsonObject& e : resumed.events)
            roundsRun += e.value(QStringLiteral("event")).toString() == QLatin1String("round");
        QCOMPARE(roundsRun, 3 - completed); // nothing completed is redone

        const Session reference = Session::open(reference_);
        QCOMPARE(session.state().value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        QCOMPARE(session.savedRounds(), reference.savedRounds());
        for (int k = 0; k <= 3; ++k) {
            const QString file = Session::roundFolder(k) + QStringLiteral("/validation.json");
            QCOMPARE(session.readJson(file), reference.readJson(file)); // same measurements, same model SHA-256
        }
        for (auto it = written.cbegin(); it != written.cend(); ++it)
            QCOMPARE(QFileInfo(session.filePath(it.key())).lastModified(), it.value());
        QCOMPARE(epochEvents(session), epochEvents(reference));

        // validate reloads the last round and reproduces its recorded test accuracy exactly.
        QProcess validate;
        validate.start(cli(),
                       {QStringLiteral("validate"), session.path(), QStringLiteral("--round"), QStringLiteral("3")});
        QVERIFY(validate.waitForFinished(60000));
        QCOMPARE(validate.exitCode(), 0);
        QVERIFY(validate.readAllStandardOutput().contains("identical"));
    }

    // A ResNet and a DenseNet lottery run (graph networks: residual additions, concatenations, batch norm) killed
    // while fine-tuning round 2 and resumed end like an uninterrupted run, round for round (models' SHA-256 included).
    void graphNetworksResumeAfterSigkill_data()
    {
        QTest::addColumn<QStringList>("model");
        QTest::newRow("ResNet-8 lottery") << QStringList{
            QStringLiteral("model.arch=resnet"), QStringLiteral("model.depth=8"), QStringLiteral("model.width=0.25")};
        QTest::newRow("DenseNet lottery")
            << QStringList{QStringLiteral("model.arch=densenet"), QStringLiteral("model.growth=4"),
                           QStringLiteral("model.blocks=[2,2]")};
    }
    void graphNetworksResumeAfterSigkill()
    {
        QFETCH(QStringList, model);
        QStringList recipe{QStringLiteral("quick-demo")};
        for (const QString& set :
             model + QStringList{QStringLiteral("device=cpu"), QStringLiteral("dataset.demo_per_class=12"),
                                 QStringLiteral("dataset.image_size=[16,16]"), QStringLiteral("train.epochs=2"),
                                 QStringLiteral("prune.method=global-magnitude"),
                                 QStringLiteral("prune.schedule=lottery"), QStringLiteral("prune.rewind=init"),
                                 QStringLiteral("prune.rounds=3"), QStringLiteral("prune.rate=0.5")})
            recipe << QStringLiteral("--set") << set;
        const QString sessions = root_.filePath(QString::number(QDateTime::currentMSecsSinceEpoch()));
        const CliRun reference = runCli(QStringList{QStringLiteral("run")} + recipe +
                                        QStringList{QStringLiteral("--sessions"), sessions + QStringLiteral("-ref")});
        QVERIFY2(reference.exitCode == 0 && reference.status == QProcess::NormalExit, qPrintable(reference.errors));
        const CliRun killed =
            runCli(QStringList{QStringLiteral("run")} + recipe + QStringList{QStringLiteral("--sessions"), sessions},
                   {}, [](const QJsonObject& e) {
                       return e.value(QStringLiteral("event")).toString() == QLatin1String("epoch") &&
                              e.value(QStringLiteral("round")).toInt() == 2;
                   });
        QCOMPARE(killed.status, QProcess::CrashExit);
        const Session session = Session::open(killed.session);
        QCOMPARE(session.completedRound(), 1);
        const CliRun resumed = runCli({QStringLiteral("resume"), killed.session});
        QVERIFY2(resumed.exitCode == 0 && resumed.status == QProcess::NormalExit, qPrintable(resumed.errors));
        const Session done = Session::open(reference.session);
        QCOMPARE(session.state().value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        for (int k = 0; k <= 3; ++k) {
            const QString file = Session::roundFolder(k) + QStringLiteral("/validation.json");
            QVERIFY(!done.readJson(file).isEmpty());
            QCOMPARE(session.readJson(file), done.readJson(file));
        }
        QCOMPARE(epochEvents(session), epochEvents(done));
    }

    void comparisonResumesAfterSigkill()
    {
        const QStringList compare{QStringLiteral("run"),        QStringLiteral("pruning-strategies-compare"),
                                  QStringLiteral("--set"),      QStringLiteral("dataset.demo_per_class=16"),
                                  QStringLiteral("--set"),      QStringLiteral("train.epochs=1"),
                                  QStringLiteral("--set"),      QStringLiteral("prune.fine_tune_epochs=1"),
                                  QStringLiteral("--set"),      QStringLiteral("prune.rounds=2"),
                                  QStringLiteral("--set"),      QStringLiteral("prune.rate=0.7"),
                                  QStringLiteral("--sessions"), root_.filePath(QStringLiteral("compare"))};
        QString variant;
        const CliRun killed = runCli(compare, {}, [&](const QJsonObject& e) {
            if (e.value(QStringLiteral("event")).toString() == QLatin1String("variant"))
                variant = e.value(QStringLiteral("label")).toString();
            return variant == QLatin1String("iterative") &&
                   e.value(QStringLiteral("event")).toString() == QLatin1String("round");
        });
        QCOMPARE(killed.status, QProcess::CrashExit);
        const QString first = Session::open(killed.session).filePath(QStringLiteral("variants/one-shot/state.json"));
        const QDateTime done = QFileInfo(first).lastModified();

        const CliRun resumed = runCli({QStringLiteral("resume"), killed.session});
        QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.errors));
        QStringList ran;
        for (const QJsonObject& e : resumed.events)
            if (e.value(QStringLiteral("event")).toString() == QLatin1String("variant"))
                ran << e.value(QStringLiteral("label")).toString();
        QCOMPARE(ran, QStringList({"iterative", "lottery", "random"})); // the completed variants are not run again
        QCOMPARE(QFileInfo(first).lastModified(), done);
        const Session comparison = Session::open(killed.session);
        QCOMPARE(comparison.state().value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        QCOMPARE(comparison.state().value(QStringLiteral("variants_completed")).toInt(), 5);
        QCOMPARE(comparison.readFile(QStringLiteral("results/comparison.csv")).count('\n'), 1 + 2 + 6 + 3 + 3 + 3);
    }
};

QTEST_GUILESS_MAIN(tst_CliResume)
#include "tst_cli_resume.moc"
