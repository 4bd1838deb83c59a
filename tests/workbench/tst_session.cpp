#include "core/workbench/Session.h"
#include "core/workbench/SessionStore.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <sys/resource.h>

#include <cerrno>
#include <csignal>
#include <cstring>

using prunelab::workbench::Session;
using prunelab::workbench::SessionError;
using prunelab::workbench::SessionStore;

namespace {

const QDateTime kWhen(QDate(2026, 1, 2), QTime(3, 4, 5));

/// Files whose size may not exceed `bytes` while it lives, as on a nearly full disk (writes fail with EFBIG).
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes)
    {
        std::signal(SIGXFSZ, SIG_IGN);
        getrlimit(RLIMIT_FSIZE, &old_);
        rlimit limited = old_;
        limited.rlim_cur = bytes;
        setrlimit(RLIMIT_FSIZE, &limited);
    }
    ~FileSizeLimit() { setrlimit(RLIMIT_FSIZE, &old_); }

private:
    rlimit old_{};
};

} // namespace

class tst_Session : public QObject {
    Q_OBJECT

private slots:
    void createsTimeStampedFolders_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("folder");
        QTest::newRow("plain") << "lottery"
                               << "2026-01-02_030405_lottery";
        QTest::newRow("spaces and slashes") << "my run/../x"
                                            << "2026-01-02_030405_my-run-..-x";
        QTest::newRow("leading dots") << "..hidden"
                                      << "2026-01-02_030405_hidden";
        QTest::newRow("empty") << ""
                               << "2026-01-02_030405_run";
    }
    void createsTimeStampedFolders()
    {
        QFETCH(QString, name);
        QFETCH(QString, folder);
        QTemporaryDir root;
        const Session s = Session::create(root.path() + QStringLiteral("/sessions"), name, kWhen);
        QCOMPARE(QFileInfo(s.path()).fileName(), folder);
        QVERIFY(QFileInfo(s.filePath(QStringLiteral("rounds"))).isDir());
        const Session again = Session::create(root.path() + QStringLiteral("/sessions"), name, kWhen);
        QCOMPARE(QFileInfo(again.path()).fileName(), folder + QStringLiteral("-2"));
    }

    void unwritableFolderIsAnError()
    {
        QTemporaryDir root;
        QFile blocker(root.filePath(QStringLiteral("file")));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        try {
            Session::create(root.filePath(QStringLiteral("file/sessions")), QStringLiteral("x"), kWhen);
            QFAIL("a session under a regular file must be refused");
        } catch (const SessionError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(root.filePath(QStringLiteral("file/sessions"))), e.what());
        }
    }

    void fullDiskKeepsThePreviousFile()
    {
        QTemporaryDir root;
        const Session s = Session::create(root.path(), QStringLiteral("x"), kWhen);
        s.writeFile(QStringLiteral("rounds/0/model.pt"), "old contents");
        {
            const FileSizeLimit limit(4096);
            try {
                s.writeFile(QStringLiteral("rounds/0/model.pt"), QByteArray(100000, 'x'));
                QFAIL("a write past the file-size limit must fail");
            } catch (const SessionError& e) {
                QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("rounds/0/model.pt")), e.what());
                QVERIFY2(QString::fromUtf8(e.what()).contains(QString::fromUtf8(std::strerror(EFBIG))),
                         e.what()); // the system's reason
            }
            try {
                s.appendMetric({{"event", "epoch"}, {"padding", QString(8000, QLatin1Char('p'))}});
                QFAIL("an append past the file-size limit must fail");
            } catch (const SessionError& e) {
                QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("metrics.jsonl")), e.what());
            }
        }
        QCOMPARE(s.readFile(QStringLiteral("rounds/0/model.pt")), QByteArray("old contents"));
        QCOMPARE(QDir(s.filePath(QStringLiteral("rounds/0"))).entryList(QDir::Files),
                 QStringList{QStringLiteral("model.pt")});
        QCOMPARE(s.readFile(QStringLiteral("metrics.jsonl")), QByteArray()); // no torn line left behind
    }

    void metricsSkipTornLinesAndTruncateAfterARound()
    {
        QTemporaryDir root;
        const Session s = Session::create(root.path(), QStringLiteral("x"), kWhen);
        s.appendMetric({{"event", "epoch"}, {"round", 0}});
        s.appendMetric({{"event", "round"}, {"round", 0}});
        s.appendMetric({{"event", "epoch"}, {"round", 1}});
        s.appendMetric({{"event", "round"}, {"round", 1}});
        s.appendMetric({{"event", "epoch"}, {"round", 2}});
        QFile raw(s.filePath(QStringLiteral("metrics.jsonl")));
        QVERIFY(raw.open(QIODevice::Append));
        raw.write("{\"event\":\"ep"); // a kill in the middle of a line
        raw.close();
        QCOMPARE(s.metrics().size(), 5);
        s.truncateMetricsAfterRound(1);
        const QList<QJsonObject> kept = s.metrics();
        QCOMPARE(kept.size(), 4);
        QCOMPARE(kept.last().value(QStringLiteral("event")).toString(), QStringLiteral("round"));
        QCOMPARE(kept.last().value(QStringLiteral("round")).toInt(), 1);
    }

    void stateAndRecipeRoundTrip()
    {
        QTemporaryDir root;
        const Session s = Session::create(root.path(), QStringLiteral("x"), kWhen);
        QCOMPARE(s.completedRound(), -1);
        s.writeJson(QStringLiteral("recipe.json"), {{"name", "r"}, {"dataset_fingerprint", "abc"}});
        s.writeState({{"status", "running"}, {"completed_round", 3}});
        const Session reopened = Session::open(s.path());
        QCOMPARE(reopened.completedRound(), 3);
        QCOMPARE(reopened.datasetFingerprint(), QStringLiteral("abc"));
        QVERIFY(!reopened.recipeJson().contains(QStringLiteral("dataset_fingerprint")));
        s.writeFile(QStringLiteral("state.json"), "{\"status\": \"runn");
        QVERIFY_THROWS_EXCEPTION(SessionError, reopened.completedRound());
    }

    void openRefusesOtherFolders()
    {
        QTemporaryDir root;
        QVERIFY_THROWS_EXCEPTION(SessionError, Session::open(root.path()));
        QVERIFY_THROWS_EXCEPTION(SessionError, Session::open(root.filePath(QStringLiteral("missing"))));
    }

    void storeListsRenamesAndDeletes()
    {
        QTemporaryDir root;
        const SessionStore store(root.path());
        const Session older = Session::create(root.path(), QStringLiteral("first"), kWhen);
        const Session newer = Session::create(root.path(), QStringLiteral("second"), kWhen.addSecs(60));
        for (const Session& s : {older, newer}) {
            s.writeJson(QStringLiteral("recipe.json"), {{"name", s.name()}});
            s.writeState({{"status", "completed"}, {"completed_round", 2}, {"rounds", 2}, {"test_accuracy", 0.5}});
        }
        QDir(root.path()).mkdir(QStringLiteral("not-a-session"));
        QList<prunelab::workbench::SessionInfo> list = store.list();
        QCOMPARE(list.size(), 2);
        QCOMPARE(list[0].name, QStringLiteral("second"));
        QCOMPARE(list[0].status, QStringLiteral("completed"));
        QCOMPARE(list[0].completedRound, 2);
        QCOMPARE(list[0].testAccuracy, 0.5);
        QCOMPARE(list[1].created, kWhen);

        const Session renamed = store.rename(older, QStringLiteral("baseline run"));
        QCOMPARE(QFileInfo(renamed.path()).fileName(), QStringLiteral("2026-01-02_030405_baseline-run"));
        QCOMPARE(renamed.completedRound(), 2);
        QVERIFY_THROWS_EXCEPTION(SessionError, store.rename(renamed, QStringLiteral("   ")));

        store.remove(renamed);
        QVERIFY(!QFileInfo::exists(renamed.path()));
        QCOMPARE(store.list().size(), 1);
    }
};

QTEST_GUILESS_MAIN(tst_Session)
#include "tst_session.moc"
