#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <stdexcept>

namespace prunelab::workbench {

/// A session folder that cannot be created, read or written (unwritable folder, full disk, missing or damaged
/// file). The message names the file and the problem.
class SessionError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// One run's folder on disk (../shared/DESIGN.md):
///
///     <sessions>/<yyyy-MM-dd_HHmmss>_<name>/
///       recipe.json      the exact recipe that ran (schema, seed) and the dataset's fingerprint
///       dataset.json     what the data was: source, images per split, fingerprints
///       metrics.jsonl    one JSON object per event, appended and flushed before the event is shown
///       state.json       the last completed round and the run's status, replaced atomically
///       rounds/<k>/      model.pt, masks.pt, train.csv, validation.json (k = pruning round, 0 = dense)
///       results/         exports
///
/// Every file except metrics.jsonl is written through QSaveFile (a temporary file renamed over the old one) and
/// the folder is fsynced after the rename, so a crash or a full disk leaves either the old file or the new one,
/// never half of one. Throws SessionError for every failure.
class Session {
public:
    Session() = default;
    /// Creates `<root>/<yyyy-MM-dd_HHmmss>_<name>/` (with -2, -3… when the name is taken) and its rounds/ folder.
    static Session create(const QString& root, const QString& name,
                          const QDateTime& when = QDateTime::currentDateTime());
    /// Creates the session folder `path` itself (no time stamp: a comparison's variants); refuses an existing one.
    static Session createFolder(const QString& path);
    /// An existing session folder; throws SessionError when it is not one (no recipe.json, unless
    /// `requireRecipe` is false: a folder just made by create()).
    static Session open(const QString& path, bool requireRecipe = true);

    bool isValid() const { return !path_.isEmpty(); }
    QString path() const { return path_; }
    /// The name part of the folder (after the time stamp).
    QString name() const;
    QString filePath(const QString& relative) const;
    static QString roundFolder(int round);

    /// Writes `bytes` to `path` atomically (QSaveFile, then fsync of the folder), creating parent folders.
    static void writeFileAtomically(const QString& path, const QByteArray& bytes);
    /// Atomic writes (QSaveFile + fsync of the folder); parent folders are created.
    void writeFile(const QString& relative, const QByteArray& bytes) const;
    void writeJson(const QString& relative, const QJsonObject& object) const;
    QByteArray readFile(const QString& relative) const;
    QJsonObject readJson(const QString& relative) const;
    bool exists(const QString& relative) const;

    /// Appends one line to metrics.jsonl and flushes it to the operating system.
    void appendMetric(const QJsonObject& event) const;
    /// Every complete line of metrics.jsonl (a torn last line, from a kill mid-write, is skipped).
    QList<QJsonObject> metrics() const;
    /// Rewrites metrics.jsonl (atomically) with the events up to and including the `round` event of round
    /// `lastRound`: what a resumed run keeps before it redoes the interrupted round.
    void truncateMetricsAfterRound(int lastRound) const;

    /// state.json: {"status": running|paused|completed|cancelled|failed, "completed_round": k, …}
    QJsonObject state() const;
    void writeState(const QJsonObject& state) const;
    /// The last completed round in state.json, -1 when none.
    int completedRound() const;
    /// The recipe JSON as it ran (without the dataset fingerprint, which fingerprint() returns).
    QJsonObject recipeJson() const;
    QString datasetFingerprint() const;
    /// The rounds with a validation.json, ascending.
    QList<int> savedRounds() const;

private:
    explicit Session(QString path) : path_(std::move(path)) {}
    QString path_;
};

} // namespace prunelab::workbench
