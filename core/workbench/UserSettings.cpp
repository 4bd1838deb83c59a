#include "core/workbench/UserSettings.h"

#include "datasets/DatasetCache.h"

#include <QStandardPaths>

#include <algorithm>

namespace prunelab::workbench {

namespace {
const QString kSessionsRootKey = QStringLiteral("sessions/root"); // the key the GUI has always used
const QString kCacheLimitKey = QStringLiteral("cache/limitBytes");
} // namespace

UserSettings::UserSettings()
    : settings_(QSettings::NativeFormat, QSettings::UserScope, QStringLiteral("PruneLab"), QStringLiteral("PruneLab"))
{}

QString UserSettings::sessionsRoot() const
{
    const QString saved = settings_.value(kSessionsRootKey).toString();
    return saved.isEmpty() ? defaultSessionsRoot() : saved;
}

void UserSettings::setSessionsRoot(const QString& folder)
{
    if (folder.isEmpty())
        settings_.remove(kSessionsRootKey);
    else
        settings_.setValue(kSessionsRootKey, folder);
}

QString UserSettings::defaultSessionsRoot()
{
    // Not AppDataLocation: it adds the organisation name, which the GUI sets and the CLI does not.
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/PruneLab/sessions");
}

QString UserSettings::cacheDirectory() const
{
    return datasets::DatasetCache::defaultDirectory();
}

qint64 UserSettings::cacheLimitBytes() const
{
    bool ok = false;
    const qint64 saved = settings_.value(kCacheLimitKey).toLongLong(&ok);
    return ok && saved >= 0 ? saved : datasets::DatasetCache::kDefaultLimitBytes;
}

void UserSettings::setCacheLimitBytes(qint64 bytes)
{
    settings_.setValue(kCacheLimitKey, std::max<qint64>(bytes, 0));
}

QString UserSettings::activeCacheDirectory() const
{
    return cacheLimitBytes() > 0 ? cacheDirectory() : QString();
}

qint64 UserSettings::cacheUsageBytes() const
{
    return datasets::DatasetCache(cacheDirectory()).usageBytes();
}

qint64 UserSettings::clearCache() const
{
    return datasets::DatasetCache(cacheDirectory()).clear();
}

QString UserSettings::fileName() const
{
    return settings_.fileName();
}

void UserSettings::sync()
{
    settings_.sync();
}

} // namespace prunelab::workbench
