#include "core/bench/BenchReport.h"

#include <cmath>
#include <cstdio>
#include <limits>

namespace prunelab::bench {

namespace {

std::string escaped(const std::string& text)
{
    std::string out;
    for (char c : text) {
        if (c == '"' || c == '\\')
            out += '\\';
        if (static_cast<unsigned char>(c) < 0x20) {
            char code[8];
            std::snprintf(code, sizeof code, "\\u%04x", c);
            out += code;
            continue;
        }
        out += c;
    }
    return out;
}

} // namespace

bool BenchReport::has(const std::string& key) const
{
    for (const auto& [k, v] : numbers)
        if (k == key)
            return true;
    return false;
}

double BenchReport::value(const std::string& key) const
{
    for (const auto& [k, v] : numbers)
        if (k == key)
            return v;
    return std::numeric_limits<double>::quiet_NaN();
}

std::string BenchReport::json() const
{
    std::string out = "{\"benchmark\":\"" + escaped(benchmark) + "\"";
    for (const auto& [k, v] : labels)
        out += ",\"" + escaped(k) + "\":\"" + escaped(v) + "\"";
    for (const auto& [k, v] : numbers) {
        char number[64];
        if (std::isfinite(v))
            std::snprintf(number, sizeof number, "%.6g", v);
        else
            std::snprintf(number, sizeof number, "null");
        out += ",\"" + escaped(k) + "\":" + number;
    }
    return out + "}";
}

std::string grouped(double value)
{
    const long long n = std::llround(value);
    std::string digits = std::to_string(n < 0 ? -n : n), out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0)
            out += ',';
        out += digits[i];
    }
    return (n < 0 ? "-" : "") + out;
}

std::string fixed(double value, int decimals)
{
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

std::string scientific(double value)
{
    char text[64];
    std::snprintf(text, sizeof text, "%.1e", value);
    return text;
}

} // namespace prunelab::bench
