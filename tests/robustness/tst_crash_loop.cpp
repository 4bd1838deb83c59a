// Crash loop: prunelab-cli run, SIGKILLed at random moments (seeded) again and again, each time followed by
// prunelab-cli resume. A kill is placed by the run's own progress, not by the clock (a loaded machine runs 5× slower
// than an idle one): after the Nth event it prints (N = 1 to 3: epochs and rounds finished) and a random 0–8 ms
// more, so kills fall in training, in evaluation and in the writing of a round's files. After every kill the session is
// checked: every completed round's files are there and are the files it recorded (SHA-256), metrics.jsonl has each
// completed round exactly once and no torn line in the middle; at the end the run completes with every round once.
#include "core/workbench/Session.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <random>
#include <set>

using prunelab::workbench::Session;

namespace {

constexpr int kRounds = 8;

const QStringList kRecipe{QStringLiteral("quick-demo"),
                          QStringLiteral("--set"),
                          QStringLiteral("device=cpu"),
                          QStringLiteral("--set"),
                          QStringLiteral("dataset.demo_per_class=24"),
                          QStringLiteral("--set"),
                          QStringLiteral("dataset.image_size=[16,16]"),
                          QStringLiteral("--set"),
                          QStringLiteral("model.hidden=[32,16]"),
                          QStringLiteral("--set"),
                          QStringLiteral("train.epochs=2"),
                          QStringLiteral("--set"),
                          QStringLiteral("prune.schedule=iterative"),
                          QStringLiteral("--set"),
                          QStringLiteral("prune.rounds=8"),
                          QStringLiteral("--set"),
                          QStringLiteral("prune.rate=0.3"),
                          QStringLiteral("--set"),
                          QStringLiteral("prune.fine_tune_epochs=1")};

struct Outcome {
    bool killed = false;
    int exitCode = -1;
    QString errors;
    qint64 ms = 0;
    qint64 sessionMs = -1; ///< when the session folder was reported
};

/// Starts prunelab-cli and SIGKILLs it `delayMs` after the `killAfterEvents`-th JSON event it prints (the session
/// announcement not counted); killAfterEvents < 0: let it finish.
Outcome runCli(const QStringList& arguments, int killAfterEvents, int delayMs, QString* session)
{
    Outcome outcome;
    QProcess process;
    process.start(QStringLiteral(PRUNELAB_CLI), arguments + QStringList{QStringLiteral("--json")});
    if (!process.waitForStarted())
        return outcome;
    QElapsedTimer timer;
    timer.start();
    QElapsedTimer sinceEvent; // started at the event the kill counts from
    int events = 0;
    QByteArray pending;
    while (process.state() != QProcess::NotRunning) {
        process.waitForReadyRead(1);
        pending += process.readAllStandardOutput();
        qsizetype newline;
        while ((newline = pending.indexOf('\n')) >= 0) {
            const QJsonObject event = QJsonDocument::fromJson(pending.left(newline)).object();
            pending.remove(0, newline + 1);
            if (event.value(QStringLiteral("event")).toString() == QLatin1String("session")) {
                *session = event.value(QStringLiteral("session")).toString();
                outcome.sessionMs = timer.elapsed();
            } else if (!event.isEmpty() && ++events == killAfterEvents) {
                sinceEvent.start();
            }
        }
        const bool due = killAfterEvents > 0 && sinceEvent.isValid() && sinceEvent.elapsed() >= delayMs;
        if (due && process.state() == QProcess::Running) {
            process.kill(); // SIGKILL
            process.waitForFinished(10000);
            outcome.killed = process.exitStatus() == QProcess::CrashExit;
        }
        if (timer.elapsed() > 60000) {
            process.kill();
            process.waitForFinished();
            outcome.errors = QStringLiteral("prunelab-cli ran for more than 60 s: a hang");
            return outcome;
        }
    }
    outcome.ms = timer.elapsed();
    outcome.exitCode = process.exitCode();
    outcome.errors += QString::fromUtf8(process.readAllStandardError());
    return outcome;
}

/// Everything a kill must not break: returns the completed round.
int checkIntact(const QString& path, const QString& when)
{
    const Session session = Session::open(path);
    const int completed = session.completedRound();
    for (int k = 0; k <= completed; ++k) {
        const QString folder = Session::roundFolder(k) + QLatin1Char('/');
        const QJsonObject record = session.readJson(folder + QStringLiteral("validation.json"));
        if (record.isEmpty())
            qFatal("%s: round %d is completed but its validation.json does not parse", qPrintable(when), k);
        int files = 0;
        for (auto it = record.begin(); it != record.end(); ++it) {
            if (!it.key().endsWith(QLatin1String("_sha256")))
                continue;
            const QString file = folder + it.key().chopped(7) + QStringLiteral(".pt");
            const QByteArray bytes = session.readFile(file);
            const QString sha =
                QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
            if (sha != it.value().toString())
                qFatal("%s: %s differs from the file the session recorded", qPrintable(when), qPrintable(file));
            ++files;
        }
        if (files < 2) // round 0: initial.pt and model.pt; later rounds: model.pt and masks.pt
            qFatal("%s: round %d records %d files", qPrintable(when), k, files);
        if (session.readFile(folder + QStringLiteral("train.csv")).isEmpty())
            qFatal("%s: round %d has no train.csv", qPrintable(when), k);
    }
    // metrics.jsonl: no torn line except possibly the last; each completed round once; nothing beyond the next.
    const QList<QByteArray> lines = session.readFile(QStringLiteral("metrics.jsonl")).split('\n');
    QMap<int, int> roundEvents;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (lines[i].isEmpty())
            continue;
        const QJsonDocument doc = QJsonDocument::fromJson(lines[i]);
        if (!doc.isObject()) {
            if (i < lines.size() - 1 && !(i == lines.size() - 2 && lines.last().isEmpty()))
                qFatal("%s: metrics.jsonl line %lld is torn: %s", qPrintable(when), static_cast<long long>(i + 1),
                       lines[i].left(80).constData());
            continue;
        }
        if (doc.object().value(QStringLiteral("event")).toString() == QLatin1String("round"))
            ++roundEvents[doc.object().value(QStringLiteral("round")).toInt()];
    }
    for (int k = 1; k <= completed; ++k)
        if (roundEvents.value(k) != 1)
            qFatal("%s: metrics.jsonl has round %d %d times (completed: %d)", qPrintable(when), k, roundEvents.value(k),
                   completed);
    for (auto it = roundEvents.begin(); it != roundEvents.end(); ++it)
        if (it.key() > completed + 1 || it.value() > 1)
            qFatal("%s: metrics.jsonl has round %d %d times (completed: %d)", qPrintable(when), it.key(), it.value(),
                   completed);
    return completed;
}

} // namespace

class tst_CrashLoop : public QObject {
    Q_OBJECT

private slots:
    void killedAgainAndAgainThenCompletes()
    {
        QTemporaryDir root;
        const QStringList run =
            QStringList{QStringLiteral("run")} + kRecipe + QStringList{QStringLiteral("--sessions"), root.path()};
        // The uninterrupted run: what the killed and resumed one must end up equal to.
        QString reference;
        const Outcome whole = runCli(run, -1, 0, &reference);
        QVERIFY2(whole.exitCode == 0, qPrintable(whole.errors));
        QCOMPARE(checkIntact(reference, QStringLiteral("uninterrupted run")), kRounds);

        std::mt19937 rng(20240610);
        QString session;
        int kills = 0;
        std::set<int> stages; // the completed round at each kill: kills must land all along the run
        int resumes = 0;
        QElapsedTimer total;
        total.start();
        // First a new run, killed at a random moment after its folder exists; then resume, killed again, until
        // 14 kills have landed; then one resume that is left to finish.
        while (session.isEmpty() || Session::open(session).state().value(QStringLiteral("status")).toString() !=
                                        QLatin1String("completed")) {
            const bool last = kills >= 14 || total.elapsed() > 45000;
            const int afterEvents = last ? -1 : std::uniform_int_distribution<int>(1, 3)(rng);
            const int delay = std::uniform_int_distribution<int>(0, 8)(rng);
            Outcome o;
            if (session.isEmpty()) {
                o = runCli(run, afterEvents, delay, &session);
            } else {
                QString ignored;
                o = runCli({QStringLiteral("resume"), session}, afterEvents, delay, &ignored);
                ++resumes;
            }
            QVERIFY2(o.killed || o.exitCode == 0, qPrintable(o.errors));
            if (session.isEmpty())
                continue;
            kills += o.killed;
            if (!QFile::exists(QDir(session).filePath(QStringLiteral("recipe.json")))) {
                // Killed while the data was loading, before the session wrote recipe.json: nothing was completed,
                // nothing to resume (resume says "not a session folder"); the run starts again.
                QVERIFY(!QDir(session).exists(QStringLiteral("rounds/0/validation.json")));
                session.clear();
                continue;
            }
            const QString when =
                QStringLiteral("after kill %1 (event %2 + %3 ms)").arg(kills).arg(afterEvents).arg(delay);
            int completed = -1;
            try {
                completed = checkIntact(session, when);
            } catch (const std::exception& e) {
                QFAIL(qPrintable(when + QStringLiteral(": ") + QString::fromUtf8(e.what())));
            }
            qInfo("%s: rounds 0..%d completed", qPrintable(when), completed);
            if (o.killed)
                stages.insert(completed);
            QVERIFY(resumes < 60);
        }
        QVERIFY2(kills >= 8, qPrintable(QStringLiteral("only %1 kills landed").arg(kills)));
        QVERIFY2(stages.size() >= 3, qPrintable(QStringLiteral("kills landed at only %1 stages").arg(stages.size())));
        QCOMPARE(checkIntact(session, QStringLiteral("the end")), kRounds);
        const Session done = Session::open(session);
        QCOMPARE(done.savedRounds(), Session::open(reference).savedRounds());
        // Same seed, same data: the killed-and-resumed run measured exactly what the uninterrupted one did.
        for (int k = 0; k <= kRounds; ++k) {
            const QString file = Session::roundFolder(k) + QStringLiteral("/validation.json");
            QCOMPARE(done.readJson(file), Session::open(reference).readJson(file));
        }
    }
};

QTEST_GUILESS_MAIN(tst_CrashLoop)
#include "tst_crash_loop.moc"
