#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace prunelab::engine {

/// One row of a retention table: how many units each hidden layer keeps at iteration t.
struct RetentionRow {
    int iteration = 0;
    std::vector<int64_t> units;
    double percent = 0.0; ///< Σ units / Σ initial units · 100
};

/// The interval-adjoint workflow's neuron retention schedule, computable before anything trains (the GUI previews it):
/// N_t = max(1, round(h · q^t)) for each hidden layer of initial width h, iterations t = 0…T (t = 0 is the dense
/// model). A fixed fraction r removed per round is the same table with q = 1 − r (the `iterative` schedule with a
/// structured method); a target total fraction f reached after T rounds uses q = f^(1/T).
class GeometricRetention {
public:
    /// Rows t = 0…iterations. Throws std::invalid_argument for q outside (0, 1], no layer, a width < 1 or
    /// iterations < 0.
    static std::vector<RetentionRow> table(const std::vector<int64_t>& initial, double q, int iterations);

    /// N_t of one layer.
    static int64_t unitsAt(int64_t initial, double q, int t);

    /// The q that keeps `fraction` of the units after `iterations` rounds: fraction^(1/iterations).
    static double qForTarget(double fraction, int iterations);

    /// The table as text like the interval-adjoint workflow's retain.txt: a header `t N1 N2 … percent` (or the given
    /// layer names), then one tab-separated row per iteration, percent with two decimals.
    static std::string toText(const std::vector<RetentionRow>& rows, const std::vector<std::string>& layerNames = {});
};

} // namespace prunelab::engine
