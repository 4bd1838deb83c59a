#include "core/workbench/Comparison.h"

#include "core/workbench/RepeatStats.h"
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

QList<QPair<QString, Comparison::Entry>> Comparison::plan(const Recipe& recipe)
{
    QList<QPair<QString, Entry>> planned;
    const QList<quint64> seeds = recipe.repeatSeeds();
    const bool repeated = recipe.repeats > 1;
    const auto add = [&](const QString& label, const QString& group, const Recipe& variant) {
        if (!repeated) {
            planned.append({QStringLiteral("variants/") + label, Entry{label, {}, variant, group, variant.seed}});
            return;
        }
        for (quint64 seed : seeds) {
            const QString seedLabel = QStringLiteral("seed-") + QString::number(seed);
            const QString full = label.isEmpty() ? seedLabel : label + QLatin1Char('/') + seedLabel;
            planned.append({QStringLiteral("variants/") + full, Entry{full, {}, variant.withSeed(seed), group, seed}});
        }
    };
    if (recipe.compare.isEmpty())
        add(QString(), recipe.name, recipe);
    for (qsizetype i = 0; i < recipe.compare.size(); ++i)
        add(recipe.compare[i].label, recipe.compare[i].label, recipe.variant(i));
    return planned;
}

Comparison Comparison::create(const QString& root, const Recipe& recipe, const QString& name)
{
    if (!recipe.runsAsComparison())
        throw SessionError("recipe " + recipe.name.toStdString() + " has no compare list and no repeats");
    return createIn(Session::create(root, name.isEmpty() ? recipe.name : name), recipe);
}

Comparison Comparison::createIn(const Session& session, const Recipe& recipe)
{
    if (!recipe.runsAsComparison())
        throw SessionError("recipe " + recipe.name.toStdString() + " has no compare list and no repeats");
    Comparison c;
    c.session_ = session;
    c.repeated_ = recipe.repeats > 1;
    c.session_.writeJson(QStringLiteral("recipe.json"), recipe.toJson());
    QJsonArray variants;
    for (auto& [relative, entry] : plan(recipe)) {
        QJsonObject v{{"label", entry.label}, {"session", relative}};
        if (c.repeated_)
            v.insert(QStringLiteral("seed"), double(entry.seed));
        variants.append(v);
        entry.path = c.session_.filePath(relative);
        c.entries_.append(entry);
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
    QList<QPair<QString, Entry>> planned;
    try {
        recipe = Recipe::fromJson(session.recipeJson());
        planned = plan(recipe);
    } catch (const RecipeError& e) {
        throw SessionError(session.filePath(QStringLiteral("recipe.json")).toStdString() + ": " + e.what());
    }
    c.repeated_ = recipe.repeats > 1;
    const QJsonArray variants = session.readJson(kComparison).value(QStringLiteral("variants")).toArray();
    if (variants.size() != planned.size())
        throw SessionError(session.filePath(kComparison).toStdString() +
                           " does not match recipe.json's compare list and repeats");
    for (qsizetype i = 0; i < variants.size(); ++i) {
        const QJsonObject v = variants[i].toObject();
        const QString relative = v.value(QStringLiteral("session")).toString();
        if (relative.contains(QStringLiteral("..")) || QDir::isAbsolutePath(relative) ||
            v.value(QStringLiteral("label")).toString() != planned[i].second.label)
            throw SessionError(session.filePath(kComparison).toStdString() + ": variant " + std::to_string(i) +
                               " is damaged");
        Entry entry = planned[i].second;
        entry.path = session.filePath(relative);
        c.entries_.append(entry);
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

QList<QPair<QString, QList<QList<RoundStats>>>> Comparison::recordedGroups(bool completedOnly) const
{
    QList<QPair<QString, QList<QList<RoundStats>>>> groups;
    for (const Entry& e : entries_) {
        if (groups.isEmpty() || groups.last().first != e.group)
            groups.append({e.group, {}});
        const bool started = QFileInfo::exists(e.path + QStringLiteral("/recipe.json"));
        if (completedOnly ? isCompleted(e.path) : started)
            groups.last().second.append(SessionStore::reopen(e.path).rounds);
    }
    return groups;
}

QString Comparison::repeatTable() const
{
    QString text = QStringLiteral("%1 %2 %3 %4 %5\n")
                       .arg(QStringLiteral("variant"), -24)
                       .arg(QStringLiteral("round"), 5)
                       .arg(QStringLiteral("sparsity %"), 10)
                       .arg(QStringLiteral("val acc % (mean ± std (min–max), n)"), -40)
                       .arg(QStringLiteral("test acc %"));
    for (const auto& [group, runs] : recordedGroups(true))
        for (const RepeatRound& r : RepeatStats::aggregate(runs))
            text += QStringLiteral("%1 %2 %3 %4 %5\n")
                        .arg(group, -24)
                        .arg(r.round, 5)
                        .arg(r.sparsity.mean * 100.0, 10, 'f', 2)
                        .arg(r.validation.text(), -40)
                        .arg(r.test.text());
    return text;
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
    QString repeatRows;
    if (repeated_) {
        // One line per variant: the mean over the seeds that completed; the table gives the spread.
        testSeries.clear();
        valSeries.clear();
        QList<QPair<QString, QList<RepeatRound>>> aggregates;
        for (const auto& [group, runs] : recordedGroups(true))
            aggregates.append({group, RepeatStats::aggregate(runs)});
        for (qsizetype i = 0; i < aggregates.size(); ++i) {
            const QString color = kColors[i % kColors.size()];
            SvgChart::Series test{aggregates[i].first + QStringLiteral(" (mean)"), color, {}},
                val{aggregates[i].first + QStringLiteral(" (mean)"), color, {}};
            for (const RepeatRound& r : aggregates[i].second) {
                val.points << QPointF(r.sparsity.mean * 100.0, r.validation.mean * 100.0);
                if (r.test.n > 0)
                    test.points << QPointF(r.sparsity.mean * 100.0, r.test.mean * 100.0);
                repeatRows += QStringLiteral("<tr><td style='text-align:left'>%1</td><td>%2</td><td>%3</td><td>%4</"
                                             "td><td>%5</td></tr>\n")
                                  .arg(aggregates[i].first.toHtmlEscaped())
                                  .arg(r.round)
                                  .arg(r.sparsity.mean * 100.0, 0, 'f', 2)
                                  .arg(r.validation.text().toHtmlEscaped(), r.test.text().toHtmlEscaped());
            }
            testSeries << test;
            valSeries << val;
        }
        session_.writeFile(QStringLiteral("results/repeats.csv"), RepeatStats::csv(aggregates));
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
            "<h1>%1</h1><p>%2 of %3 variants completed; %4.</p>\n")
            .arg(name.toHtmlEscaped())
            .arg(completed)
            .arg(entries_.size())
            .arg(repeated_ ? QStringLiteral("the same data and model for every variant, each run with every seed")
                           : QStringLiteral("the same data, model and seed for every variant"));
    html += SvgChart::lineChart(anyTest ? QStringLiteral("Test accuracy against sparsity")
                                        : QStringLiteral("Validation accuracy against sparsity"),
                                QStringLiteral("sparsity (%)"), QStringLiteral("accuracy (%)"),
                                anyTest ? testSeries : valSeries);
    if (repeated_)
        html += QStringLiteral("\n<h2>Mean over the seeds</h2><p>Accuracy in %: mean ± sample standard deviation "
                               "(min–max), n = the seeds that completed the round; every value in repeats.csv.</p>"
                               "<table><tr><th>variant</th><th>round</th><th>sparsity %</th><th>val acc %</th>"
                               "<th>test acc %</th></tr>\n") +
                repeatRows + QStringLiteral("</table>\n");
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
