#pragma once

// Every prunelab-cli command's entry point; cli_main.cpp dispatches to them. Where each lives: RunCommands.cpp
// (run, train, resume), SessionCommands.cpp (validate, export, merge, list, session), CatalogueCommands.cpp (presets,
// methods), DatasetCommands.cpp (dataset …), BenchCommands.cpp (bench). What they share: CliOutput.h, CliOptions.h.

#include <QStringList>

namespace prunelab::cli {

/// Exit codes of ../shared/CLI.md.
enum ExitCode { Success = 0, RunFailed = 1, BadUsage = 2, Cancelled = 130 };

/// `prunelab-cli run RECIPE.json|PRESET [--set KEY=VALUE]... [--grid KEY=V1,V2]... [--shard I/N] [--sessions DIR]
/// [--name NAME] [--json]`
int run(const QStringList& arguments);
/// `prunelab-cli train --demo [--epochs N] …`: the quick-demo preset with its common fields as flags.
int train(const QStringList& arguments);
/// `prunelab-cli methods [--json]`: the pruning methods and schedules a recipe can name, one line each.
int methods(const QStringList& arguments);
/// `prunelab-cli presets [show NAME]`
int presets(const QStringList& arguments);
/// `prunelab-cli resume SESSION_DIR [--json]`: continues after the last completed round.
int resume(const QStringList& arguments);
/// `prunelab-cli validate SESSION_DIR [--round K] [--json]`
int validate(const QStringList& arguments);
/// `prunelab-cli export SESSION_DIR --format FORMAT --out PATH [--round K|best|last]`
int exportSession(const QStringList& arguments);
/// `prunelab-cli merge SESSIONS... --out DIR`: the shards of a grid as one comparison
int merge(const QStringList& arguments);
/// `prunelab-cli list [--sessions DIR] [--json]`
int list(const QStringList& arguments);
/// `prunelab-cli session rename SESSION_DIR NAME` and `session delete SESSION_DIR`
int session(const QStringList& arguments);
/// `prunelab-cli dataset demo OUTDIR …`: writes the demo dataset as class folders of PNG files.
int datasetDemo(const QStringList& arguments);

} // namespace prunelab::cli
