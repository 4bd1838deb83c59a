#pragma once

// Private to the workbench: what can be done with a saved round of a session, on a prepared Context.

#include "core/workbench/RunContext.h"

namespace prunelab::workbench::run {

/// Reloads round `round` (-1: the last completed) and checks that it reproduces the recorded test accuracy
/// (validation accuracy without a test split): Completed when it does, Failed with both numbers when not.
RunSummary validateRound(Context& c, const Worker& worker, int round);

/// Writes round `round` (-1: the last completed) as a TorchScript module at `out`; `compact`: the compacted
/// model of a structured round (the removed units found from the saved zeros).
RunSummary exportRound(Context& c, const Worker& worker, int round, const QString& out, bool compact);

} // namespace prunelab::workbench::run
