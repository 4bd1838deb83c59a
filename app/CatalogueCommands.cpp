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
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("List the built-in presets (name, dataset, model, method / schedule), or print one as a JSON "
                       "recipe to copy and edit."));
    parser.addPositionalArgument(QStringLiteral("show"), QStringLiteral("Print the preset NAME as JSON."),
                                 QStringLiteral("[show NAME]"));
    if (const int code = parseOrExit(parser, arguments); code >= 0)
        return code;
    const QStringList positional = parser.positionalArguments();
    QTextStream out(stdout);
    if (positional.isEmpty()) {
        for (const QString& name : workbench::Recipe::presetNames()) {
            const workbench::Recipe r = workbench::Recipe::fromJson(workbench::Recipe::presetJson(name));
            out << name.leftJustified(28) << r.dataset.source << ", " << r.model.arch << ", " << r.prune.method << " / "
                << r.prune.schedule << '\n';
        }
        return Success;
    }
    if (positional.size() == 2 && positional[0] == QLatin1String("show")) {
        try {
            const workbench::Recipe r = workbench::Recipe::fromJson(workbench::Recipe::presetJson(positional[1]));
            out << QJsonDocument(r.toJson()).toJson(QJsonDocument::Indented);
            return Success;
        } catch (const workbench::RecipeError& e) {
            return fail(e, BadUsage);
        }
    }
    QTextStream(stderr) << errorPrefix() << "usage: prunelab-cli presets [show NAME]\n";
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
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "The pruning methods (prune.method) and schedules (prune.schedule) a recipe can name, with each method's own "
        "recipe values and their defaults."));
    parser.addOption(option("json", "One JSON object: methods and schedules with their flags and parameters."));
    if (const int code = parseOrExit(parser, arguments); code >= 0)
        return code;
    if (!parser.positionalArguments().isEmpty()) {
        QTextStream(stderr) << errorPrefix() << "methods takes no arguments besides --json\n";
        return BadUsage;
    }
    const bool json = parser.isSet(QStringLiteral("json"));
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
