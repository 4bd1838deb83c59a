#include "CliCommands.h"
#include "CliOptions.h"

#include "core/engine/pruning/MethodCatalogue.h"
#include "core/workbench/Recipe.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

namespace prunelab::cli {

int presets(const QStringList& arguments)
{
    QTextStream out(stdout);
    if (arguments.size() == 1) {
        for (const QString& name : workbench::Recipe::presetNames()) {
            const workbench::Recipe r = workbench::Recipe::fromJson(workbench::Recipe::presetJson(name));
            out << name.leftJustified(28) << r.dataset.source << ", " << r.model.arch << ", " << r.prune.method << " / "
                << r.prune.schedule << '\n';
        }
        return Success;
    }
    if (arguments.size() == 3 && arguments[1] == QLatin1String("show")) {
        try {
            const workbench::Recipe r = workbench::Recipe::fromJson(workbench::Recipe::presetJson(arguments[2]));
            out << QJsonDocument(r.toJson()).toJson(QJsonDocument::Indented);
            return Success;
        } catch (const workbench::RecipeError& e) {
            return fail(e, BadUsage);
        }
    }
    QTextStream(stderr) << "usage: prunelab-cli presets [show NAME]\n";
    return BadUsage;
}

namespace {

QJsonArray defaults(const engine::MethodParameter& p)
{
    QJsonArray values;
    for (double v : p.defaults)
        values.append(v);
    return values;
}

} // namespace

int methods(const QStringList& arguments)
{
    const bool json = arguments.size() == 2 && arguments[1] == QLatin1String("--json");
    if (arguments.size() > 1 && !json) {
        QTextStream(stderr) << "usage: prunelab-cli methods [--json]\n";
        return BadUsage;
    }
    QTextStream out(stdout);
    if (json) {
        QJsonArray methodList, scheduleList;
        for (const engine::MethodInfo& m : engine::methods()) {
            QJsonArray parameters;
            for (const engine::MethodParameter& p : m.parameters)
                parameters.append(QJsonObject{{"key", QStringLiteral("prune.") + QLatin1String(p.key)},
                                              {"help", QString::fromUtf8(p.help)},
                                              {"default", defaults(p)},
                                              {"min", p.min},
                                              {"max", p.max},
                                              {"integer", p.integer}});
            methodList.append(QJsonObject{{"name", QLatin1String(m.name)},
                                          {"summary", QString::fromUtf8(m.summary)},
                                          {"structured", m.structured},
                                          {"sweeps_thresholds", m.sweepsThresholds},
                                          {"fixed_sparsity", m.fixedSparsity},
                                          {"parameters", parameters}});
        }
        for (const engine::ScheduleInfo& s : engine::schedules())
            scheduleList.append(QJsonObject{{"name", QLatin1String(s.name)},
                                            {"summary", QString::fromUtf8(s.summary)},
                                            {"uses_rounds", s.usesRounds},
                                            {"structured_only", s.structuredOnly}});
        out << QJsonDocument(QJsonObject{{"methods", methodList}, {"schedules", scheduleList}}).toJson();
        return Success;
    }
    out << "prune.method:\n";
    for (const engine::MethodInfo& m : engine::methods()) {
        out << "  " << QString::fromLatin1(m.name).leftJustified(18) << QString::fromUtf8(m.summary) << '\n';
        for (const engine::MethodParameter& p : m.parameters)
            out << QString(20, QLatin1Char(' ')) << "prune." << p.key << " = "
                << QJsonDocument(defaults(p)).toJson(QJsonDocument::Compact) << ": " << QString::fromUtf8(p.help)
                << '\n';
    }
    out << "prune.schedule:\n";
    for (const engine::ScheduleInfo& s : engine::schedules())
        out << "  " << QString::fromLatin1(s.name).leftJustified(18) << QString::fromUtf8(s.summary) << '\n';
    return Success;
}

} // namespace prunelab::cli
