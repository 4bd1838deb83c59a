#pragma once

// What the commands share: printing a job's events (JSON lines or readable lines with a progress bar), running a job
// or a comparison to its end with Ctrl-C as a clean cancel, and reading a recipe or a session argument.

#include "core/workbench/Comparison.h"
#include "core/workbench/Recipe.h"
#include "core/workbench/RunJob.h"
#include "core/workbench/Session.h"

#include <QCommandLineParser>
#include <QJsonObject>

namespace prunelab::cli {

/// How a run reports: readable lines (with a progress bar on a terminal), one JSON object per event (--json), or
/// only the session folder at the end and errors (--quiet).
enum class Output { Text, Json, Quiet };

/// The --json and --quiet options of run, resume and train.
void addOutputOptions(QCommandLineParser& parser);
/// Which one was asked for; prints why and returns false when both were.
bool readOutput(const QCommandLineParser& parser, Output* output);

/// One JSON object on one line of stdout.
void printJson(const QJsonObject& object);

/// Runs a prepared job to the end on its worker thread, printing every event; Ctrl-C cancels cleanly (exit 130)
/// after the last completed round is saved.
int execute(workbench::RunJob& job, Output output);

/// Runs (or continues) every variant of a comparison that has not completed, one after the other on a
/// workbench::ComparisonJob (as the GUI does), then prints the table.
int runComparison(const workbench::Comparison& comparison, Output output);

/// Runs a prepared one-shot job (validate, TorchScript export) and prints its summary: one JSON object with
/// `event` when `json`, else its message. Exit status 0 when it completed, 1 otherwise.
int runToEnd(workbench::RunJob& job, bool json, const char* event);

/// Validates the JSON as a recipe; prints the key path and the problem (after the file, when it came from one) and
/// returns false when it is wrong.
bool toRecipe(const QJsonObject& json, workbench::Recipe& recipe, const QString& file = {});

/// The one SESSION_DIR argument of `command`, opened; prints why not and returns false.
bool openSession(const QCommandLineParser& parser, const char* command, workbench::Session& session);

} // namespace prunelab::cli
