#pragma once

#include <QStringList>

namespace prunelab::cli {

/// Exit codes of ../shared/CLI.md.
enum ExitCode { Success = 0, RunFailed = 1, BadUsage = 2, Cancelled = 130 };

/// `prunelab-cli run RECIPE.json|PRESET [--set KEY=VALUE]... [--json]`
int run(const QStringList& arguments);
/// `prunelab-cli train --demo [--epochs N] …`: the quick-demo preset with its common fields as flags.
int train(const QStringList& arguments);
/// `prunelab-cli presets [show NAME]`
int presets(const QStringList& arguments);
/// `prunelab-cli dataset demo OUTDIR …`: writes the demo dataset as class folders of PNG files.
int datasetDemo(const QStringList& arguments);

} // namespace prunelab::cli
