#include "core/workbench/SessionStore.h"

#include "core/workbench/UserSettings.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonObject>
#include <QRegularExpression>

#include <algorithm>

namespace prunelab::workbench {

SessionStore::SessionStore(QString root) : root_(root.isEmpty() ? defaultRoot() : std::move(root)) {}

QString SessionStore::defaultRoot()
{
    return UserSettings().sessionsRoot();
}

SessionInfo SessionStore::info(const Session& session)
{
    SessionInfo i;
    i.path = session.path();
    i.name = session.name();
    const QString folder = QFileInfo(session.path()).fileName();
    i.created = QDateTime::fromString(folder.left(17), QStringLiteral("yyyy-MM-dd_HHmmss"));
    try {
        i.recipeName = session.recipeJson().value(QStringLiteral("name")).toString();
        const QJsonObject state = session.state();
        i.status = state.value(QStringLiteral("status")).toString(QStringLiteral("unknown"));
        i.completedRound = state.value(QStringLiteral("completed_round")).toInt(-1);
        i.rounds = state.value(QStringLiteral("rounds")).toInt(0);
        i.testAccuracy = state.value(QStringLiteral("test_accuracy")).toDouble(-1.0);
        i.sparsity = state.value(QStringLiteral("sparsity")).toDouble(0.0);
        i.message = state.value(QStringLiteral("message")).toString();
        i.variants = state.value(QStringLiteral("variants")).toInt(0);
        i.variantsCompleted = state.value(QStringLiteral("variants_completed")).toInt(0);
    } catch (const SessionError& e) {
        i.status = QStringLiteral("damaged");
        i.message = QString::fromStdString(e.what());
    }
    return i;
}

QList<SessionInfo> SessionStore::list() const
{
    QList<SessionInfo> sessions;
    const QDir dir(root_);
    for (const QString& entry : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name | QDir::Reversed)) {
        if (!QFileInfo::exists(dir.filePath(entry + QStringLiteral("/recipe.json"))))
            continue;
        sessions.append(info(Session::open(dir.filePath(entry))));
    }
    return sessions;
}

Session SessionStore::create(const QString& name) const
{
    return Session::create(root_, name);
}

Session SessionStore::rename(const Session& session, const QString& newName) const
{
    const QFileInfo old(session.path());
    const QString folder = old.fileName();
    static const QRegularExpression stamp(QStringLiteral("^(\\d{4}-\\d{2}-\\d{2}_\\d{6})_"));
    const QRegularExpressionMatch m = stamp.match(folder);
    QString clean = newName.trimmed();
    clean.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]+")), QStringLiteral("-"));
    if (clean.isEmpty() || clean.startsWith(QLatin1Char('.')))
        throw SessionError("a session name needs letters or digits, got '" + newName.toStdString() + "'");
    const QString target = (m.hasMatch() ? m.captured(1) + QLatin1Char('_') : QString()) + clean;
    QDir parent = old.absoluteDir();
    if (parent.exists(target))
        throw SessionError("cannot rename " + session.path().toStdString() + ": " +
                           parent.filePath(target).toStdString() + " already exists");
    if (!parent.rename(folder, target))
        throw SessionError("cannot rename " + session.path().toStdString() + " to " + target.toStdString() +
                           ": check that the folder is writable and no run is using it");
    return Session::open(parent.filePath(target));
}

void SessionStore::remove(const Session& session) const
{
    QDir dir(session.path());
    if (!dir.exists(QStringLiteral("recipe.json")))
        throw SessionError("refusing to delete " + session.path().toStdString() + ": it is not a session folder");
    if (!dir.removeRecursively())
        throw SessionError("cannot delete " + session.path().toStdString() + " completely: check its permissions");
}

RecordedRun SessionStore::reopen(const QString& path)
{
    const Session session = Session::open(path);
    RecordedRun run;
    run.info = info(session);
    for (const QJsonObject& event : session.metrics()) {
        const QString kind = event.value(QStringLiteral("event")).toString();
        if (kind == QLatin1String("epoch")) {
            run.epochs.append(epochStatsFromJson(event));
        } else if (kind == QLatin1String("round")) {
            RoundStats round = roundStatsFromJson(event);
            const auto same = std::find_if(run.rounds.begin(), run.rounds.end(),
                                           [&](const RoundStats& r) { return r.round == round.round; });
            if (same != run.rounds.end())
                *same = std::move(round);
            else
                run.rounds.append(std::move(round));
        } else if (kind == QLatin1String("done") &&
                   event.value(QStringLiteral("outcome")).toString() == QLatin1String("completed")) {
            run.bestRound = event.value(QStringLiteral("best_round")).toInt(-1);
        } else if (kind == QLatin1String("resumed")) {
            run.bestRound = -1; // a later "done" says it again
        }
    }
    return run;
}

} // namespace prunelab::workbench
