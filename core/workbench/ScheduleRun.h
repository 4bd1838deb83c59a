#pragma once

// Private to the workbench: the recipe's schedule run on a prepared Context, written into its session as it goes.

#include "core/workbench/RunContext.h"

namespace prunelab::workbench::run {

/// Trains and prunes round after round; each epoch and round is written to the session (if any) before it is
/// reported to `worker`. `continuing`: go on after the session's last completed round (or start afresh when it has
/// none), dropping the events recorded after it. Returns the summary (Completed or Cancelled); throws on failure.
RunSummary runSchedule(Context& c, const Worker& worker, bool continuing);

} // namespace prunelab::workbench::run
