#pragma once

// The one source of prunelab-cli's words: the table of commands (their synopses, one-line summaries and entry
// points), from which the dispatcher, `prunelab-cli --help`, the man page (`prunelab-cli --man`, installed as
// prunelab-cli(1)) and the bash completion (`prunelab-cli completion bash`) are all made. Each command's options
// come from its own parser (`prunelab-cli COMMAND --help`), read back here for the man page and the completion.

#include <QList>
#include <QString>
#include <QStringList>

namespace prunelab::cli {

struct Command {
    QStringList words;                        ///< "run", or "dataset summarize"
    QStringList synopses;                     ///< the command's forms, after "prunelab-cli "
    QString summary;                          ///< one line
    int (*run)(const QStringList& arguments); ///< `arguments` start with the command's last word
};

/// Every command, in the order --help and the man page list them.
const QList<Command>& commands();

/// The command that `arguments` (argv without the program) name, and how many of them name it; nullptr when none.
const Command* findCommand(const QStringList& arguments, int* wordCount);

/// `prunelab-cli --help`.
QString usage();

/// What `prunelab-cli COMMAND --help` prints, captured.
QString commandHelp(const Command& command);

/// prunelab-cli(1) in roff.
QString manPage();

/// The bash completion script: commands, their options, preset names, recipe keys for --set, methods and schedules
/// for prune.method= and prune.schedule=, and session folders (from `prunelab-cli list --paths`).
QString bashCompletion();

/// `prunelab-cli completion bash`
int completion(const QStringList& arguments);

} // namespace prunelab::cli
