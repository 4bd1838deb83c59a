#include "core/workbench/Comparison.h"

#include "core/workbench/RunJob.h"
#include "core/workbench/SessionStore.h"
#include "core/workbench/SvgChart.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

namespace prunelab::workbench {

namespace {

const QString kComparison = QStringLiteral("comparison.json");
const QStringList kColors{QStringLiteral("#1f77b4"), QStringLiteral("#ff7f0e"), QStringLiteral("#2ca02c"),
                          QStringLiteral("#d62728"), QStringLiteral("#9467bd"), QStringLiteral("#8c564b"),
                          QStringLiteral("#e377c2"), QStringLiteral("#7f7f7f")};

/// The variant's completed rounds (rounds/<k>/validation.json), round 0 first; none when it never started.
QList<QJsonObject> rounds(const QString& path)
{
    QList<QJsonObject> records;
    if (!QFileInfo::exists(path + QStringLiteral("/recipe.json")))
        return records;
    const Session s = Session::open(path);
    for (int k : s.savedRounds())
        records.append(s.readJson(Session::roundFolder(k) + QStringLiteral("/validation.json")));
    return records;
}

QString pct(const QJsonValue& v)
{
    return v.isDouble() ? QString::number(v.toDouble() * 100.0, 'f', 2) : QStringLiteral("-");
}

} // namespace

Comparison Comparison::create(const QString& root, const Recipe& recipe, const QString& name)
{
    if (recipe.compare.isEmpty())
        throw SessionError("recipe " + recipe.name.toStdString() + " has no compare list");
    return createIn(Session::create(root, name.isEmpty() ? recipe.name : name), recipe);
}

Comparison Comparison::createIn(const Session& session, const Recipe& recipe)
{
    if (recipe.compare.isEmpty())
        throw SessionError("recipe " + recipe.name.toStdString() + " has no compare list");
    Comparison c;
    c.session_ = session;
    c.session_.writeJson(QStringLiteral("recipe.json"), recipe.toJson());
    QJsonArray variants;
    for (qsizetype i = 0; i < recipe.compare.size(); ++i) {
        const QString relative = QStringLiteral("variants/") + recipe.compare[i].label;
        variants.append(QJsonObject{{"label", recipe.compare[i].label}, {"session", relative}});
        c.entries_.append({recipe.compare[i].label, c.session_.filePath(relative), recipe.variant(i)});
    }
    c.session_.writeJson(kComparison, QJsonObject{{"variants", variants}});
    c.session_.writeState({{"status", "running"}, {"variants", int(variants.size())}, {"variants_completed", 0}});
    return c;
}

bool Comparison::isComparison(const Session& session)
{
    return session.exists(kComparison);
}

Comparison Comparison::open(const Session& session)
{
    if (!isComparison(session))
        throw SessionError(session.path().toStdString() + " is not a comparison: it has no comparison.json");
    Comparison c;
    c.session_ = session;
    Recipe recipe;
    try {
        recipe = Recipe::fromJson(session.recipeJson());
    } catch (const RecipeError& e) {
        throw SessionError(session.filePath(QStringLiteral("recipe.json")).toStdString() + ": " + e.what());
    }
    const QJsonArray variants = session.readJson(kComparison).value(QStringLiteral("variants")).toArray();
    if (variants.size() != recipe.compare.size())
        throw SessionError(session.filePath(kComparison).toStdString() + " does not match recipe.json's compare list");
    for (qsizetype i = 0; i < variants.size(); ++i) {
        const QJsonObject v = variants[i].toObject();
        const QString relative = v.value(QStringLiteral("session")).toString();
        if (relative.contains(QStringLiteral("..")) || QDir::isAbsolutePath(relative) ||
            v.value(QStringLiteral("label")).toString() != recipe.compare[i].label)
            throw SessionError(session.filePath(kComparison).toStdString() + ": variant " + std::to_string(i) +
                               " is damaged");
        c.entries_.append({recipe.compare[i].label, session.filePath(relative), recipe.variant(i)});
    }
    return c;
}

void Comparison::prepare(const Entry& entry, RunJob& job)
{
    if (QFileInfo::exists(entry.path + QStringLiteral("/recipe.json"))) {
        job.continueSession(entry.path);
        return;
    }
    if (!QFileInfo::exists(entry.path))
        Session::createFolder(entry.path);
    job.setRecipe(entry.recipe);
    job.setSession(entry.path);
}

bool Comparison::isCompleted(const QString& variantPath)
{
    if (!QFileInfo::exists(variantPath + QStringLiteral("/state.json")))
        return false;
    return Session::open(variantPath, false).state().value(QStringLiteral("status")).toString() ==
           QLatin1String("completed");
}

QList<QPair<QString, QList<RoundStats>>> Comparison::recordedRounds(bool completedOnly) const
{
    QList<QPair<QString, QList<RoundStats>>> runs;
    for (const Entry& e : entries_) {
        const bool started = QFileInfo::exists(e.path + QStringLiteral("/recipe.json"));
        if (completedOnly ? isCompleted(e.path) : started)
            runs.append({e.label, SessionStore::reopen(e.path).rounds});
    }
    return runs;
}

QString Comparison::table() const
{
    QString text = QStringLiteral("%1 %2 %3 %4 %5 %6 %7\n")
                       .arg(QStringLiteral("variant"), -24)
                       .arg(QStringLiteral("schedule"), -15)
                       .arg(QStringLiteral("method"), -17)
                       .arg(QStringLiteral("rounds"), 6)
                       .arg(QStringLiteral("sparsity %"), 10)
                       .arg(QStringLiteral("test acc %"), 10)
                       .arg(QStringLiteral("val acc %"), 10);
    for (const Entry& e : entries_) {
        const QList<QJsonObject> records = rounds(e.path);
        const QJsonObject last = records.isEmpty() ? QJsonObject{} : records.last();
        text += QStringLiteral("%1 %2 %3 %4 %5 %6 %7\n")
                    .arg(e.label, -24)
                    .arg(e.recipe.prune.schedule, -15)
                    .arg(e.recipe.prune.method, -17)
                    .arg(records.isEmpty() ? QStringLiteral("-") : QString::number(records.size() - 1), 6)
                    .arg(pct(last.value(QStringLiteral("sparsity"))), 10)
                    .arg(pct(last.value(QStringLiteral("test_accuracy"))), 10)
                    .arg(pct(last.value(QStringLiteral("val_accuracy"))), 10);
    }
    return text;
}

void Comparison::writeResults(const QString& status) const
{
    QByteArray csv = "variant,schedule,method,round,sparsity,weights_remaining,val_accuracy,test_accuracy\n";
    QList<SvgChart::Series> testSeries, valSeries;
    QString rows;
    int completed = 0;
    for (qsizetype i = 0; i < entries_.size(); ++i) {
        const Entry& e = entries_[i];
        completed += isCompleted(e.path);
        SvgChart::Series test{e.label, kColors[i % kColors.size()], {}}, val{e.label, kColors[i % kColors.size()], {}};
        const QList<QJsonObject> records = rounds(e.path);
        for (const QJsonObject& r : records) {
            const double sparsity = r.value(QStringLiteral("sparsity")).toDouble();
            csv += QStringLiteral("%1,%2,%3,%4,%5,%6,%7,%8\n")
                       .arg(e.label, e.recipe.prune.schedule, e.recipe.prune.method)
                       .arg(r.value(QStringLiteral("round")).toInt())
                       .arg(sparsity, 0, 'g', 17)
                       .arg(1.0 - sparsity, 0, 'g', 17)
                       .arg(r.value(QStringLiteral("val_accuracy")).toDouble(), 0, 'g', 17)
                       .arg(r.contains(QStringLiteral("test_accuracy"))
                                ? QString::number(r.value(QStringLiteral("test_accuracy")).toDouble(), 'g', 17)
                                : QString())
                       .toUtf8();
            val.points << QPointF(sparsity * 100.0, r.value(QStringLiteral("val_accuracy")).toDouble() * 100.0);
            if (r.contains(QStringLiteral("test_accuracy")))
                test.points << QPointF(sparsity * 100.0, r.value(QStringLiteral("test_accuracy")).toDouble() * 100.0);
        }
        testSeries << test;
        valSeries << val;
        const QJsonObject last = records.isEmpty() ? QJsonObject{} : records.last();
        rows += QStringLiteral("<tr><td "
                               "style='text-align:left'>%1</td><td>%2</td><td>%3</td><td>%4</td><td>%5</td><td>%6</"
                               "td><td>%7</td></tr>\n")
                    .arg(e.label.toHtmlEscaped(), e.recipe.prune.schedule, e.recipe.prune.method,
                         records.isEmpty() ? QStringLiteral("-") : QString::number(records.size() - 1),
                         pct(last.value(QStringLiteral("sparsity"))), pct(last.value(QStringLiteral("test_accuracy"))),
                         pct(last.value(QStringLiteral("val_accuracy"))));
    }
    bool anyTest = false;
    for (const SvgChart::Series& s : testSeries)
        anyTest = anyTest || !s.points.isEmpty();
    const QString name = session_.recipeJson().value(QStringLiteral("name")).toString();
    QString html =
        QStringLiteral(
            "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>PruneLab comparison: %1</title><style>"
            "body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse}"
            "td,th{border:1px solid #bbb;padding:3px 8px;text-align:right}th{background:#eee}</style></head><body>\n"
            "<h1>%1</h1><p>%2 of %3 variants completed; the same data, model and seed for every variant.</p>\n")
            .arg(name.toHtmlEscaped())
            .arg(completed)
            .arg(entries_.size());
    html += SvgChart::lineChart(anyTest ? QStringLiteral("Test accuracy against sparsity")
                                        : QStringLiteral("Validation accuracy against sparsity"),
                                QStringLiteral("sparsity (%)"), QStringLiteral("accuracy (%)"),
                                anyTest ? testSeries : valSeries);
    html += QStringLiteral("\n<h2>Last round of each "
                           "variant</h2><table><tr><th>variant</th><th>schedule</th><th>method</th><th>rounds</th>"
                           "<th>sparsity %</th><th>test acc %</th><th>val acc %</th></tr>\n") +
            rows +
            QStringLiteral("</table>\n<p>Every round of every variant: comparison.csv. Each variant is a session in "
                           "variants/.</p></body></html>\n");
    session_.writeFile(QStringLiteral("results/comparison.csv"), csv);
    session_.writeFile(QStringLiteral("results/comparison.html"), html.toUtf8());
    session_.writeState({{"status", status}, {"variants", int(entries_.size())}, {"variants_completed", completed}});
}

} // namespace prunelab::workbench
