#include "core/engine/pruning/GeometricRetention.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <stdexcept>

namespace prunelab::engine {

int64_t GeometricRetention::unitsAt(int64_t initial, double q, int t)
{
    return std::max<int64_t>(1, std::llround(double(initial) * std::pow(q, t)));
}

std::vector<RetentionRow> GeometricRetention::table(const std::vector<int64_t>& initial, double q, int iterations)
{
    if (!(q > 0.0 && q <= 1.0))
        throw std::invalid_argument("prune.q must be in (0, 1], got " + std::to_string(q));
    if (initial.empty())
        throw std::invalid_argument("a retention table needs at least one hidden layer");
    if (iterations < 0)
        throw std::invalid_argument("a retention table needs iterations >= 0");
    int64_t total = 0;
    for (int64_t h : initial) {
        if (h < 1)
            throw std::invalid_argument("hidden layer widths must be at least 1, got " + std::to_string(h));
        total += h;
    }
    std::vector<RetentionRow> rows;
    for (int t = 0; t <= iterations; ++t) {
        RetentionRow row;
        row.iteration = t;
        int64_t kept = 0;
        for (int64_t h : initial) {
            row.units.push_back(unitsAt(h, q, t));
            kept += row.units.back();
        }
        row.percent = 100.0 * double(kept) / double(total);
        rows.push_back(std::move(row));
    }
    return rows;
}

double GeometricRetention::qForTarget(double fraction, int iterations)
{
    if (!(fraction > 0.0 && fraction <= 1.0))
        throw std::invalid_argument("the fraction of units to keep must be in (0, 1], got " + std::to_string(fraction));
    if (iterations < 1)
        throw std::invalid_argument("reaching a target needs at least one round");
    return std::pow(fraction, 1.0 / double(iterations));
}

std::string GeometricRetention::toText(const std::vector<RetentionRow>& rows,
                                       const std::vector<std::string>& layerNames)
{
    std::ostringstream out;
    const size_t layers = rows.empty() ? layerNames.size() : rows.front().units.size();
    out << 't';
    for (size_t l = 0; l < layers; ++l)
        out << '\t' << (l < layerNames.size() ? layerNames[l] : "N" + std::to_string(l + 1));
    out << "\tpercent\n";
    for (const RetentionRow& row : rows) {
        out << row.iteration;
        for (int64_t n : row.units)
            out << '\t' << n;
        char percent[32];
        std::snprintf(percent, sizeof percent, "%.2f", row.percent);
        out << '\t' << percent << '\n';
    }
    return out.str();
}

} // namespace prunelab::engine
