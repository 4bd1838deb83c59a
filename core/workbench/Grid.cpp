#include "core/workbench/Grid.h"

#include "core/workbench/Recipe.h"
#include "core/workbench/Session.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>

namespace prunelab::workbench::Grid {

namespace {

/// A value as a variant's label shows it: letters, digits and dots, the rest one '-'.
QString labelPart(const QString& key, const QString& text)
{
    QString shown = text;
    shown.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9.]+")), QStringLiteral("-"));
    while (shown.startsWith(QLatin1Char('-')) || shown.endsWith(QLatin1Char('-')))
        shown = shown.startsWith(QLatin1Char('-')) ? shown.mid(1) : shown.chopped(1);
    return key.section(QLatin1Char('.'), -1) + QLatin1Char('-') + shown;
}

/// Copies a session folder tree; throws SessionError naming the file that failed.
void copyTree(const QString& from, const QString& to)
{
    QDirIterator it(from, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = it.next();
        QFile in(file);
        if (!in.open(QIODevice::ReadOnly))
            throw SessionError("cannot read " + file.toStdString() + ": " + in.errorString().toStdString());
        Session::writeFileAtomically(to + QLatin1Char('/') + QDir(from).relativeFilePath(file), in.readAll());
    }
}

} // namespace

QStringList splitValues(const QString& text)
{
    QStringList parts;
    QString current;
    int depth = 0;
    bool quoted = false;
    for (const QChar c : text) {
        if (c == QLatin1Char('"'))
            quoted = !quoted;
        else if (!quoted && (c == QLatin1Char('[') || c == QLatin1Char('{')))
            ++depth;
        else if (!quoted && (c == QLatin1Char(']') || c == QLatin1Char('}')))
            --depth;
        if (c == QLatin1Char(',') && depth == 0 && !quoted) {
            parts << current;
            current.clear();
        } else {
            current += c;
        }
    }
    parts << current;
    return parts;
}

int addTo(QJsonObject& recipe, const QStringList& grids, const QString& shard)
{
    if (recipe.contains(QStringLiteral("compare")))
        throw RecipeError(QStringLiteral("--grid"),
                          QStringLiteral("--grid cannot be combined with a recipe that has its own compare list"));
    if (grids.isEmpty())
        throw RecipeError(QStringLiteral("--shard"), QStringLiteral("--shard needs at least one --grid KEY=V1,V2,…"));
    QList<QJsonObject> sets{QJsonObject{}};
    QStringList labels{QString()};
    for (const QString& grid : grids) {
        const qsizetype eq = grid.indexOf(QLatin1Char('='));
        const QString key = grid.left(eq).trimmed();
        const QStringList values = eq > 0 ? splitValues(grid.mid(eq + 1)) : QStringList{};
        if (eq <= 0 || values.contains(QString()))
            throw RecipeError(QStringLiteral("--grid"),
                              QStringLiteral("--grid needs KEY=V1,V2,…, got \"%1\"").arg(grid));
        QList<QJsonObject> nextSets;
        QStringList nextLabels;
        for (qsizetype i = 0; i < sets.size(); ++i)
            for (const QString& text : values) {
                const QJsonDocument parsed = QJsonDocument::fromJson(QByteArray("[") + text.toUtf8() + "]");
                const QJsonValue value =
                    parsed.isArray() && parsed.array().size() == 1 ? parsed.array().first() : QJsonValue(text);
                QJsonObject set = sets[i];
                set.insert(key, value);
                const QString part = labelPart(key, text);
                nextSets << set;
                nextLabels << (labels[i].isEmpty() ? part : labels[i] + QLatin1Char('_') + part).left(64);
            }
        sets = nextSets;
        labels = nextLabels;
    }
    int index = 0, count = 1;
    if (!shard.isEmpty()) {
        const QRegularExpressionMatch m = QRegularExpression(QStringLiteral("^(\\d+)/(\\d+)$")).match(shard);
        index = m.hasMatch() ? m.captured(1).toInt() : -1;
        count = m.hasMatch() ? m.captured(2).toInt() : 0;
        if (count < 1 || index < 0 || index >= count)
            throw RecipeError(QStringLiteral("--shard"),
                              QStringLiteral("--shard must be I/N with 0 <= I < N, got \"%1\"").arg(shard));
        recipe.insert(QStringLiteral("name"),
                      recipe.value(QStringLiteral("name")).toString(QStringLiteral("experiment")) +
                          QStringLiteral("-shard-%1-of-%2").arg(index).arg(count));
    }
    QJsonArray compare;
    for (qsizetype i = index; i < sets.size(); i += count)
        compare.append(QJsonObject{{"label", labels[i]}, {"set", sets[i]}});
    if (!compare.isEmpty())
        recipe.insert(QStringLiteral("compare"), compare);
    return int(compare.size());
}

Merge planMerge(const QStringList& sessionPaths)
{
    // The shards' shared recipe: everything but the name and the compare list must be the same.
    const auto shared = [](QJsonObject recipe) {
        recipe.remove(QStringLiteral("compare"));
        recipe.remove(QStringLiteral("name"));
        return recipe;
    };
    Merge merge;
    QJsonArray compare;
    QSet<QString> labels;
    for (const QString& path : sessionPaths) {
        const Comparison c = Comparison::open(Session::open(path));
        const QJsonObject recipe = c.session().recipeJson();
        if (merge.recipe.isEmpty())
            merge.recipe = recipe;
        else if (shared(recipe) != shared(merge.recipe))
            throw RecipeError(QStringLiteral("compare"), QStringLiteral("%1 ran another recipe than %2 (more than the "
                                                                        "grid values differ): refusing to merge them")
                                                             .arg(path, sessionPaths.first()));
        for (const QJsonValue& v : recipe.value(QStringLiteral("compare")).toArray()) {
            const QString label = v.toObject().value(QStringLiteral("label")).toString();
            if (labels.contains(label))
                throw RecipeError(QStringLiteral("compare"),
                                  QStringLiteral("variant %1 is in more than one of the sessions").arg(label));
            labels.insert(label);
            compare.append(v);
        }
        merge.inputs.append(c);
    }
    merge.recipe.insert(QStringLiteral("compare"), compare);
    merge.recipe.insert(QStringLiteral("name"),
                        merge.recipe.value(QStringLiteral("name"))
                            .toString()
                            .remove(QRegularExpression(QStringLiteral("-shard-\\d+-of-\\d+$"))));
    return merge;
}

Comparison writeMerge(const Merge& merge, const QString& out)
{
    const Comparison merged = Comparison::createIn(Session::createFolder(out), Recipe::fromJson(merge.recipe));
    bool complete = true;
    for (const Comparison& c : merge.inputs)
        for (const Comparison::Entry& e : c.entries()) {
            complete = complete && Comparison::isCompleted(e.path);
            if (QFileInfo::exists(e.path))
                copyTree(e.path, merged.session().filePath(QStringLiteral("variants/") + e.label));
        }
    merged.writeResults(complete ? QStringLiteral("completed") : QStringLiteral("incomplete"));
    return merged;
}

} // namespace prunelab::workbench::Grid
