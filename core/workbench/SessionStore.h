#pragma once

#include "core/workbench/RunTypes.h"
#include "core/workbench/Session.h"

#include <QDateTime>
#include <QList>
#include <QString>

namespace prunelab::workbench {

/// One line of `prunelab-cli list` and of the GUI's sessions page: read from recipe.json and state.json only.
struct SessionInfo {
    QString path;
    QString name;       ///< the folder's name part
    QString recipeName; ///< recipe.json's name
    QDateTime created;  ///< from the folder's time stamp
    QString status;     ///< running | paused | completed | cancelled | failed | unknown (no state.json yet)
    int completedRound = -1;
    int rounds = 0;             ///< rounds planned after the dense one
    double testAccuracy = -1.0; ///< of the last completed round; negative: none
    double sparsity = 0.0;
    QString message;           ///< the failure's message
    int variants = 0;          ///< a comparison's variants (0: an ordinary run)
    int variantsCompleted = 0; ///< of those, completed
};

/// What a session recorded, back as the events the GUI's charts and tables take (from metrics.jsonl), to reopen
/// a finished or interrupted run. Mask images are not recorded and stay empty.
struct RecordedRun {
    SessionInfo info;
    QList<EpochStats> epochs;
    QList<RoundStats> rounds; ///< in round order, each round once
    int bestRound = -1;       ///< the round the finished run chose (its "done" event); -1 while unfinished
};

/// The folder that holds the sessions: list, create, rename, delete, reopen.
class SessionStore {
public:
    /// `root` empty: defaultRoot().
    explicit SessionStore(QString root = {});

    /// The sessions folder chosen in the GUI's Preferences (UserSettings::sessionsRoot()), else
    /// ~/.local/share/PruneLab/sessions; the same for the GUI and the CLI.
    static QString defaultRoot();
    const QString& root() const { return root_; }

    /// Every session folder under the root, newest first; folders that are not sessions are left out.
    QList<SessionInfo> list() const;
    static SessionInfo info(const Session& session);
    /// Reads a session's recorded events; throws SessionError when the folder is not a session.
    static RecordedRun reopen(const QString& path);
    Session create(const QString& name) const;
    /// Renames a session's folder, keeping its time stamp; returns the reopened session.
    Session rename(const Session& session, const QString& newName) const;
    /// Deletes the session folder and everything in it; throws SessionError when it cannot.
    void remove(const Session& session) const;

private:
    QString root_;
};

} // namespace prunelab::workbench
