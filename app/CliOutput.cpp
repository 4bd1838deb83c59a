#include "CliOutput.h"
#include "CliOptions.h"

#include "core/workbench/ComparisonJob.h"

#include <QCoreApplication>
#include <QDir>
#include <QJsonDocument>
#include <QTextStream>
#include <QTimer>

#include <csignal>
#include <functional>
#include <unistd.h>

namespace prunelab::cli {

namespace {

volatile std::sig_atomic_t interrupted = 0;

void onSigint(int)
{
    interrupted = 1;
}

/// A one-line progress bar on a terminal: redrawn in place, erased before any other line is printed. Green unless
/// NO_COLOR; on a dumb terminal (TERM=dumb) drawn with a carriage return and spaces only.
class ProgressBar {
public:
    explicit ProgressBar(bool enabled)
        : enabled_(enabled), colour_(enabled && colourOn(STDOUT_FILENO)), dumb_(qgetenv("TERM") == "dumb")
    {}
    void update(int percent, double eta)
    {
        if (!enabled_)
            return;
        percent_ = percent;
        eta_ = eta;
        draw();
    }
    void clear()
    {
        if (enabled_ && drawn_)
            QTextStream(stdout) << (dumb_ ? QStringLiteral("\r%1\r").arg(QString(kWidth, QLatin1Char(' ')))
                                          : QStringLiteral("\r\033[K"))
                                << Qt::flush;
        drawn_ = false;
    }
    void draw()
    {
        if (!enabled_ || percent_ < 0)
            return;
        constexpr int width = 30;
        const int filled = percent_ * width / 100;
        const int seconds = int(eta_ + 0.5);
        const QString bar = QString(filled, QLatin1Char('#'));
        QTextStream(stdout) << (dumb_ ? "\r" : "\r\033[K") << '['
                            << (colour_ ? QStringLiteral("\033[32m%1\033[0m").arg(bar) : bar)
                            << QString(width - filled, QLatin1Char('.')) << "] " << percent_ << "%  ETA "
                            << seconds / 60 << ':' << QString::number(seconds % 60).rightJustified(2, QLatin1Char('0'))
                            << Qt::flush;
        drawn_ = true;
    }

private:
    static constexpr int kWidth = 60; ///< what a dumb terminal's bar is cleared with
    bool enabled_;
    bool colour_;
    bool dumb_;
    bool drawn_ = false;
    int percent_ = -1;
    double eta_ = 0.0;
};

/// Prints the events of `job` (every variant's, for a comparison) as they come; `exitCode` is the last run's.
struct JobPrinter {
    JobPrinter(workbench::RunJob& job, Output output)
        : json(output == Output::Json), quiet(output == Output::Quiet),
          bar(output == Output::Text && ::isatty(STDOUT_FILENO) == 1)
    {
        QObject::connect(&job, &workbench::RunJob::logMessage, [this](const QString& text) {
            if (!this->json)
                line(text);
        });
        QObject::connect(&job, &workbench::RunJob::etaChanged, [this](double seconds) { eta = seconds; });
        QObject::connect(&job, &workbench::RunJob::progressChanged, [this](int percent) { bar.update(percent, eta); });
        QObject::connect(&job, &workbench::RunJob::epochFinished,
                         [this](const workbench::EpochStats& s) { report(s); });
        QObject::connect(&job, &workbench::RunJob::roundFinished,
                         [this](const workbench::RoundStats& s) { report(s); });
        QObject::connect(&job, &workbench::RunJob::finished, [this](const workbench::RunSummary& s) {
            using Outcome = workbench::RunSummary::Outcome;
            bar.clear();
            exitCode = s.outcome == Outcome::Completed   ? Success
                       : s.outcome == Outcome::Cancelled ? Cancelled
                                                         : RunFailed;
            if (s.outcome == Outcome::Failed && !this->json)
                QTextStream(stderr) << errorPrefix() << workbench::describe(s) << Qt::endl;
            else
                report(s);
            if (!this->json && !quiet && !s.session.isEmpty())
                out << "session: " << s.session << Qt::endl;
        });
    }
    void line(const QString& text)
    {
        if (quiet)
            return;
        bar.clear();
        out << text << Qt::endl;
        bar.draw();
    }
    /// Each event: one JSON object with --json, else the line the GUI's log shows.
    template <typename Event> void report(const Event& event)
    {
        if (json)
            printJson(workbench::toJson(event));
        else
            line(workbench::describe(event));
    }

    bool json;
    bool quiet;
    ProgressBar bar;
    QTextStream out{stdout};
    double eta = 0.0;
    int exitCode = Success;
};

/// Runs the event loop until QCoreApplication::exit(); Ctrl-C calls `cancel`.
int loopUntilDone(const std::function<void()>& cancel)
{
    interrupted = 0;
    std::signal(SIGINT, onSigint);
    QTimer interruptPoll;
    QObject::connect(&interruptPoll, &QTimer::timeout, [&] {
        if (interrupted) {
            interrupted = 0;
            cancel();
        }
    });
    interruptPoll.start(100);
    return QCoreApplication::exec();
}

} // namespace

void printJson(const QJsonObject& object)
{
    QTextStream(stdout) << QJsonDocument(object).toJson(QJsonDocument::Compact) << Qt::endl;
}

void addOutputOptions(QCommandLineParser& parser)
{
    parser.addOption(option("json", "Print one JSON object per event."));
    parser.addOption(option("quiet", "Print only the session folder when the run ends (and errors, on stderr)."));
}

bool readOutput(const QCommandLineParser& parser, Output* output)
{
    const bool json = parser.isSet(QStringLiteral("json")), quiet = parser.isSet(QStringLiteral("quiet"));
    if (json && quiet) {
        QTextStream(stderr) << errorPrefix() << "--json and --quiet exclude each other\n";
        return false;
    }
    *output = json ? Output::Json : quiet ? Output::Quiet : Output::Text;
    return true;
}

int execute(workbench::RunJob& job, Output output)
{
    JobPrinter printer(job, output);
    QObject::connect(&job, &workbench::RunJob::finished,
                     [&](const workbench::RunSummary&) { QCoreApplication::exit(printer.exitCode); });
    QTimer::singleShot(0, &job, &workbench::RunJob::start);
    loopUntilDone([&] { job.cancel(); });
    if (output == Output::Quiet && !job.sessionPath().isEmpty())
        QTextStream(stdout) << job.sessionPath() << Qt::endl;
    return printer.exitCode;
}

int runComparison(const workbench::Comparison& comparison, Output output)
{
    const bool json = output == Output::Json;
    QTextStream out(stdout);
    if (output == Output::Text)
        for (const workbench::Comparison::Entry& e : comparison.entries())
            if (workbench::Comparison::isCompleted(e.path))
                out << "== variant " << e.label << ": completed before" << Qt::endl;
    workbench::RunJob job;
    JobPrinter printer(job, output);
    workbench::ComparisonJob variants(&job);
    QObject::connect(&variants, &workbench::ComparisonJob::variantStarted,
                     [&](int index, const QString& label, const QString& path) {
                         const workbench::Recipe& r = comparison.entries()[index].recipe;
                         if (json)
                             printJson({{"event", "variant"}, {"label", label}, {"session", path}});
                         else if (output == Output::Text)
                             out << "== variant " << label << ": " << r.prune.method << " / " << r.prune.schedule
                                 << Qt::endl;
                     });
    int exitCode = Success;
    QObject::connect(&variants, &workbench::ComparisonJob::finished,
                     [&](const QString& status, const QString& message) {
                         exitCode = status == QLatin1String("completed")   ? Success
                                    : status == QLatin1String("cancelled") ? Cancelled
                                                                           : RunFailed;
                         if (!message.isEmpty())
                             QTextStream(stderr) << errorPrefix() << message << Qt::endl;
                         QCoreApplication::exit(exitCode);
                     });
    try {
        variants.start(comparison);
    } catch (const workbench::SessionError& error) {
        return fail(error, RunFailed);
    }
    if (variants.isRunning())
        loopUntilDone([&] { variants.cancel(); });
    if (exitCode == Cancelled)
        return Cancelled;
    const QString results = comparison.session().filePath(QStringLiteral("results/comparison.html"));
    if (json) {
        QJsonObject done{{"event", "done"},
                         {"outcome", exitCode == Success ? "completed" : "failed"},
                         {"session", comparison.session().path()},
                         {"comparison", results}};
        if (comparison.isRepeated())
            done.insert(QStringLiteral("repeats"),
                        comparison.session().filePath(QStringLiteral("results/repeats.csv")));
        printJson(done);
    } else if (output == Output::Quiet)
        out << comparison.session().path() << Qt::endl;
    else
        out << '\n'
            << comparison.table()
            << (comparison.isRepeated() ? QStringLiteral("\nover the seeds:\n") + comparison.repeatTable() : QString())
            << "comparison: " << results << "\nsession: " << comparison.session().path() << Qt::endl;
    return exitCode;
}

/// Runs a prepared one-shot job (validate, TorchScript export) and prints its summary: one JSON object with
/// `event` when `json`, else its message. Exit status 0 when it completed, 1 otherwise.
int runToEnd(workbench::RunJob& job, bool json, const char* event)
{
    int exitCode = Success;
    QObject::connect(&job, &workbench::RunJob::finished, [&](const workbench::RunSummary& s) {
        exitCode = s.outcome == workbench::RunSummary::Outcome::Completed ? Success : RunFailed;
        if (json) {
            QJsonObject o = workbench::toJson(s);
            o.insert(QStringLiteral("event"), QString::fromLatin1(event));
            printJson(o);
        } else {
            QTextStream(exitCode == Success ? stdout : stderr)
                << (exitCode == Success ? QString() : errorPrefix()) << s.message << Qt::endl;
        }
        QCoreApplication::exit(exitCode);
    });
    QTimer::singleShot(0, &job, &workbench::RunJob::start);
    QCoreApplication::exec();
    return exitCode;
}

/// Validates the JSON as a recipe; prints the key path and the problem (after the file, when it came from one) and
/// returns false when it is wrong.
bool toRecipe(const QJsonObject& json, workbench::Recipe& recipe, const QString& file)
{
    try {
        recipe = workbench::Recipe::fromJson(json);
        return true;
    } catch (const workbench::RecipeError& e) {
        QTextStream(stderr) << errorPrefix() << "bad recipe: "
                            << (file.isEmpty() ? QString() : QDir::toNativeSeparators(file) + QStringLiteral(": "))
                            << e.what() << Qt::endl;
        return false;
    }
}

/// The one SESSION_DIR argument of resume, validate and export; prints the problem and returns false.
bool openSession(const QCommandLineParser& parser, const char* command, workbench::Session& session)
{
    if (parser.positionalArguments().size() != 1) {
        QTextStream(stderr) << errorPrefix() << command << " needs exactly one SESSION_DIR\n";
        return false;
    }
    try {
        session = workbench::Session::open(parser.positionalArguments().first());
        return true;
    } catch (const workbench::SessionError& e) {
        fail(e, 0);
        return false;
    }
}

} // namespace prunelab::cli
