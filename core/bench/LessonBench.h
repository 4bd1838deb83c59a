#pragma once

#include "core/bench/BenchReport.h"

#include <string>

namespace prunelab::bench {

/// `prunelab-cli bench lesson`: the GUI's default run (the accuracy-cliff preset: dense training, then a sweep to
/// 99 % sparsity) from loading the demo to its last round, saved as a session as the GUI saves it, against the
/// documented budget of a lesson on a 2-core lab PC (60 s). Prints the seconds, seconds/budget, the points on the
/// accuracy-vs-weights curve, the dense validation accuracy and the knee. Needs a QCoreApplication (the run is a
/// workbench::RunJob on its worker thread).
struct LessonBenchOptions {
    std::string recipe = "accuracy-cliff"; ///< a preset name or a recipe file
    int epochs = 0;                        ///< > 0: train.epochs instead of the recipe's (a quick check)
    double budgetSeconds = 60.0;
};

/// Throws std::invalid_argument for a recipe that does not load, std::runtime_error for a run that fails.
BenchReport runLessonBench(const LessonBenchOptions& options);

} // namespace prunelab::bench
