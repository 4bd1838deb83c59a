#pragma once

#include <QStringList>

namespace prunelab::cli {

/// `prunelab-cli dataset summarize SOURCE [--json]` and `prunelab-cli dataset export SOURCE OUT`
/// (`dataset demo`: datasetDemo, declared in CliCommands.h). `arguments` start with the sub-command.
int datasetSummarize(const QStringList& arguments);
int datasetExport(const QStringList& arguments);

} // namespace prunelab::cli
