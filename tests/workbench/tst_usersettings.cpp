#include "core/workbench/Recipe.h"
#include "core/workbench/RecipeData.h"
#include "core/workbench/SessionStore.h"
#include "core/workbench/UserSettings.h"
#include "datasets/DatasetCache.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using prunelab::workbench::SessionStore;
using prunelab::workbench::UserSettings;

namespace {

/// The application's names as prunelab (the GUI) sets them, or as prunelab-cli does (no organisation).
void actAs(const QString& program)
{
    QCoreApplication::setOrganizationName(program == QLatin1String("gui") ? QStringLiteral("PruneLab") : QString());
    QCoreApplication::setApplicationName(QStringLiteral("PruneLab"));
}

void writeFile(const QString& path, qint64 bytes)
{
    QVERIFY(QDir().mkpath(QFileInfo(path).path()));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(QByteArray(int(bytes), 'x')), bytes);
}

} // namespace

class tst_UserSettings : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        // Before any QSettings: the settings, sessions and cache folders are all under ~/.qttest, never a person's.
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(UserSettings().fileName().contains(QStringLiteral(".qttest")));
    }

    void init()
    {
        QSettings(QSettings::NativeFormat, QSettings::UserScope, QStringLiteral("PruneLab"), QStringLiteral("PruneLab"))
            .clear();
        QDir(UserSettings().cacheDirectory()).removeRecursively();
    }

    void defaultsFollowXdg()
    {
        const UserSettings settings;
        QCOMPARE(settings.sessionsRoot(), QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
                                              QStringLiteral("/PruneLab/sessions"));
        QCOMPARE(settings.sessionsRoot(), UserSettings::defaultSessionsRoot());
        QCOMPARE(settings.cacheDirectory(), QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation) +
                                                QStringLiteral("/PruneLab/datasets"));
        QCOMPARE(settings.fileName(), QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
                                          QStringLiteral("/PruneLab/PruneLab.conf"));
        QCOMPARE(settings.cacheLimitBytes(), qint64(4) << 30);
        QCOMPARE(settings.activeCacheDirectory(), settings.cacheDirectory());
        QCOMPARE(SessionStore().root(), UserSettings::defaultSessionsRoot());
    }

    void guiAndCliSeeTheSameSessionsFolder_data()
    {
        QTest::addColumn<QString>("writer"); // gui: QSettings() as the GUI has always written it; preferences
        QTest::addColumn<QString>("reader"); // gui or cli
        QTest::newRow("GUI's own key, read by the CLI") << "gui"
                                                        << "cli";
        QTest::newRow("Preferences, read by the CLI") << "preferences"
                                                      << "cli";
        QTest::newRow("Preferences, read by the GUI") << "preferences"
                                                      << "gui";
    }

    void guiAndCliSeeTheSameSessionsFolder()
    {
        QFETCH(QString, writer);
        QFETCH(QString, reader);
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        actAs(QStringLiteral("gui"));
        if (writer == QLatin1String("gui")) {
            QSettings().setValue(QStringLiteral("sessions/root"), folder.path());
        } else {
            UserSettings settings;
            settings.setSessionsRoot(folder.path());
        }
        actAs(reader);
        QCOMPARE(UserSettings().sessionsRoot(), folder.path());
        QCOMPARE(SessionStore().root(), folder.path()); // prunelab-cli run/list without --sessions
        QCOMPARE(SessionStore::defaultRoot(), folder.path());
        QCOMPARE(SessionStore(QStringLiteral("/given/on/the/command/line")).root(),
                 QStringLiteral("/given/on/the/command/line")); // --sessions still wins
        if (reader == QLatin1String("gui"))
            QCOMPARE(QSettings().value(QStringLiteral("sessions/root")).toString(), folder.path());

        UserSettings().setSessionsRoot({}); // back to the default
        QCOMPARE(UserSettings().sessionsRoot(), UserSettings::defaultSessionsRoot());
        actAs(QStringLiteral("gui"));
        QVERIFY(!QSettings().contains(QStringLiteral("sessions/root")));
    }

    void cacheLimit_data()
    {
        QTest::addColumn<QVariant>("saved");
        QTest::addColumn<qint64>("limit");
        QTest::newRow("1 GiB") << QVariant(qint64(1) << 30) << (qint64(1) << 30);
        QTest::newRow("0: no cache") << QVariant(qint64(0)) << qint64(0);
        QTest::newRow("negative: 0") << QVariant(qint64(-5)) << qint64(0);
        QTest::newRow("not a number: the default") << QVariant(QStringLiteral("lots")) << (qint64(4) << 30);
    }

    void cacheLimit()
    {
        QFETCH(QVariant, saved);
        QFETCH(qint64, limit);
        if (saved.typeId() == QMetaType::QString) // as a hand-edited file could hold it
            QSettings(QSettings::NativeFormat, QSettings::UserScope, QStringLiteral("PruneLab"),
                      QStringLiteral("PruneLab"))
                .setValue(QStringLiteral("cache/limitBytes"), saved);
        else
            UserSettings().setCacheLimitBytes(saved.toLongLong());
        const UserSettings settings;
        QCOMPARE(settings.cacheLimitBytes(), limit);
        QCOMPARE(settings.activeCacheDirectory(), limit > 0 ? settings.cacheDirectory() : QString());

        // Every dataset the GUI or a run opens gets these (prunelab::workbench::loadOptions).
        const auto recipe = prunelab::workbench::Recipe::fromJson(
            prunelab::workbench::Recipe::presetJson(QStringLiteral("quick-demo")));
        const prunelab::datasets::LoadOptions options = prunelab::workbench::loadOptions(recipe);
        QCOMPARE(options.cacheLimitBytes, limit);
        QCOMPARE(options.cacheDirectory, settings.activeCacheDirectory());
    }

    void clearCacheRemovesOnlyCacheFiles()
    {
        UserSettings settings;
        const QDir cache(settings.cacheDirectory());
        QCOMPARE(settings.cacheUsageBytes(), 0);
        writeFile(cache.filePath(QStringLiteral("0123456789abcdef.plcache")), 3000);
        writeFile(cache.filePath(QStringLiteral("fedcba9876543210.plcache")), 5000);
        writeFile(cache.filePath(QStringLiteral("readme.txt")), 100);
        writeFile(cache.filePath(QStringLiteral("nested/other.plcache")), 700);
        writeFile(QFileInfo(cache.path()).path() + QStringLiteral("/sibling.plcache"), 900); // outside the folder
        QCOMPARE(settings.cacheUsageBytes(), 8000);
        QCOMPARE(settings.clearCache(), 8000);
        QCOMPARE(settings.cacheUsageBytes(), 0);
        QVERIFY(QFileInfo::exists(cache.filePath(QStringLiteral("readme.txt"))));
        QVERIFY(QFileInfo::exists(cache.filePath(QStringLiteral("nested/other.plcache"))));
        QVERIFY(QFileInfo::exists(QFileInfo(cache.path()).path() + QStringLiteral("/sibling.plcache")));
        QFile::remove(QFileInfo(cache.path()).path() + QStringLiteral("/sibling.plcache"));
        QCOMPARE(settings.clearCache(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_UserSettings)
#include "tst_usersettings.moc"
