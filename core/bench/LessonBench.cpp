#include "core/bench/LessonBench.h"

#include "core/workbench/AccuracyKnee.h"
#include "core/workbench/Recipe.h"
#include "core/workbench/RunJob.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QTemporaryDir>
#include <QTimer>

#include <stdexcept>

namespace prunelab::bench {

BenchReport runLessonBench(const LessonBenchOptions& options)
{
    workbench::Recipe recipe;
    try {
        QJsonObject json = workbench::Recipe::loadJson(QString::fromStdString(options.recipe));
        if (options.epochs > 0)
            workbench::Recipe::applyOverride(json, QStringLiteral("train.epochs=%1").arg(options.epochs));
        recipe = workbench::Recipe::fromJson(json);
    } catch (const workbench::RecipeError& e) {
        throw std::invalid_argument(e.what());
    }
    if (!recipe.compare.isEmpty())
        throw std::invalid_argument(options.recipe + " is a comparison; the lesson benchmark runs one recipe");

    // A session as the GUI writes one (every round's model and masks on disk), in a folder of its own.
    const QTemporaryDir sessions;
    if (!sessions.isValid())
        throw std::runtime_error("cannot make a temporary sessions folder: " + sessions.errorString().toStdString());
    workbench::RunJob job;
    job.setRecipe(recipe);
    job.setNewSession(sessions.path());
    QList<workbench::RoundStats> rounds;
    workbench::RunSummary summary;
    QEventLoop loop;
    QObject::connect(&job, &workbench::RunJob::roundFinished, [&](const workbench::RoundStats& r) {
        workbench::RoundStats point; // what the knee needs
        point.round = r.round;
        point.sparsity = r.sparsity;
        point.validationAccuracy = r.validationAccuracy;
        rounds << point;
    });
    QObject::connect(&job, &workbench::RunJob::finished, [&](const workbench::RunSummary& s) {
        summary = s;
        loop.quit();
    });
    QElapsedTimer clock;
    clock.start();
    QTimer::singleShot(0, &job, &workbench::RunJob::start);
    loop.exec();
    const double seconds = double(clock.nsecsElapsed()) / 1e9;
    if (summary.outcome != workbench::RunSummary::Outcome::Completed)
        throw std::runtime_error(summary.message.toStdString());

    const workbench::AccuracyKnee knee = workbench::accuracyKnee(rounds);
    double dense = -1.0;
    for (const workbench::RoundStats& r : rounds)
        if (r.round == 0)
            dense = r.validationAccuracy;
    const double used = seconds / options.budgetSeconds;

    BenchReport report;
    report.benchmark = "lesson";
    report.label("recipe", recipe.name.toStdString());
    report.label("device", summary.device.toStdString());
    report.number("epochs", recipe.train.epochs);
    report.number("points", double(rounds.size()));
    report.number("dense_validation_accuracy", dense);
    report.number("knee_sparsity", knee.found ? knee.sparsity : -1.0);
    report.number("seconds", seconds);
    report.number("budget_seconds", options.budgetSeconds);
    report.number("budget_used", used);
    report.lines.push_back(recipe.name.toStdString() + " (" + std::to_string(recipe.train.epochs) + " epochs, " +
                           std::to_string(rounds.size()) + " points on the accuracy curve) on " +
                           summary.device.toStdString() + ": " + fixed(seconds, 1) + " s of the " +
                           fixed(options.budgetSeconds, 0) + " s budget (" + fixed(used, 2) + ") · dense validation " +
                           fixed(100.0 * dense, 1) + " % · " + knee.describe().toStdString());
    return report;
}

} // namespace prunelab::bench
