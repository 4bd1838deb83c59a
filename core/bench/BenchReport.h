#pragma once

#include <string>
#include <utility>
#include <vector>

namespace prunelab::bench {

/// One measured case of a benchmark: what a person reads, and the same figures as one JSON object line
/// (keys of ../shared/CLI.md: samples_per_second, reference_samples_per_second, ratio, dense_ms, …).
struct BenchReport {
    std::string benchmark; ///< train | infer | prune | decode
    std::vector<std::pair<std::string, std::string>> labels;
    std::vector<std::pair<std::string, double>> numbers;
    std::vector<std::string> lines;

    void label(const std::string& key, const std::string& value) { labels.emplace_back(key, value); }
    void number(const std::string& key, double value) { numbers.emplace_back(key, value); }
    bool has(const std::string& key) const;
    double value(const std::string& key) const; ///< NaN when absent
    std::string json() const;
};

/// "12,345" style for counts and rates a person reads.
std::string grouped(double value);
/// Fixed decimals.
std::string fixed(double value, int decimals);
/// Two significant digits, exponent form (1.2e-07).
std::string scientific(double value);

} // namespace prunelab::bench
