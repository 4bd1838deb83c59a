#pragma once

#include <QStringList>

namespace prunelab::cli {

/// Exit codes of ../shared/CLI.md.
enum ExitCode { Success = 0, RunFailed = 1, BadUsage = 2, Cancelled = 130 };

/// `prunelab-cli train --demo --epochs N …`: trains and prunes on the demo dataset, printing each epoch.
int train(const QStringList& arguments);
/// `prunelab-cli dataset demo OUTDIR …`: writes the demo dataset as class folders of PNG files.
int datasetDemo(const QStringList& arguments);

} // namespace prunelab::cli
