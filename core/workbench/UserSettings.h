#pragma once

#include <QSettings>
#include <QString>

namespace prunelab::workbench {

/// The one place for a person's PruneLab locations and preferences, shared by the GUI and prunelab-cli:
/// `~/.config/PruneLab/PruneLab.conf` (opened by name, so the CLI, which sets no organisation, reads the GUI's file).
///   sessions/root         the sessions folder; absent: `~/.local/share/PruneLab/sessions`
///   cache/limitBytes      what the decoded-pixel cache (`~/.cache/PruneLab/datasets`) may hold; 0: no cache
/// The folders follow the XDG variables (XDG_DATA_HOME, XDG_CONFIG_HOME, XDG_CACHE_HOME) through QStandardPaths.
class UserSettings {
public:
    UserSettings();

    /// The folder chosen in Preferences (or on the Sessions page), else defaultSessionsRoot().
    QString sessionsRoot() const;
    /// `folder` empty: back to the default.
    void setSessionsRoot(const QString& folder);
    /// `~/.local/share/PruneLab/sessions` (Qt's GenericDataLocation + "/PruneLab/sessions").
    static QString defaultSessionsRoot();

    /// `~/.cache/PruneLab/datasets`, where decoded pixels are kept (datasets::DatasetCache::defaultDirectory()).
    QString cacheDirectory() const;
    /// The cache's size limit; 4 GiB until one is set; 0: nothing is cached (nothing read or written).
    qint64 cacheLimitBytes() const;
    /// Negative values are taken as 0.
    void setCacheLimitBytes(qint64 bytes);
    /// The folder to give a dataset load: cacheDirectory(), or empty (no cache) when the limit is 0.
    QString activeCacheDirectory() const;
    /// Bytes the cache's entries take now.
    qint64 cacheUsageBytes() const;
    /// Removes PruneLab's own cache entries (the *.plcache files in cacheDirectory(), nothing else); returns the
    /// bytes freed. Can take a while for a large cache: the GUI calls it off its thread.
    qint64 clearCache() const;

    /// The settings file's path, for messages and the documentation.
    QString fileName() const;
    /// Writes pending changes to disk now (QSettings also does so when the object is destroyed).
    void sync();

private:
    QSettings settings_;
};

} // namespace prunelab::workbench
