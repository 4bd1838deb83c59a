#include "EngineTest.h"

#include "core/engine/pruning/GeometricRetention.h"

#include <cmath>

using namespace prunelab::engine;

TEST_CASE("the interval-adjoint workflow's table: h = 256 and 64, t = 0..30, N_t = max(1, round(h q^t))")
{
    const auto rows = GeometricRetention::table({256, 64}, 0.9, 30);
    VERIFY_EQ(rows.size(), size_t(31));
    VERIFY_EQ(rows[0].iteration, 0);
    VERIFY_EQ(rows[0].units[0], int64_t(256));
    VERIFY_EQ(rows[0].units[1], int64_t(64));
    VERIFY_NEAR(rows[0].percent, 100.0, 1e-12);
    VERIFY_EQ(rows[1].units[0], int64_t(230)); // 230.4
    VERIFY_EQ(rows[1].units[1], int64_t(58));  // 57.6
    VERIFY_EQ(rows[30].units[0], int64_t(11)); // 256 · 0.9^30 = 10.85
    VERIFY_EQ(rows[30].units[1], int64_t(3));  // 2.71
    VERIFY_NEAR(rows[30].percent, 100.0 * 14 / 320, 1e-9);
    for (size_t t = 1; t < rows.size(); ++t)
        for (size_t l = 0; l < 2; ++l)
            VERIFY(rows[t].units[l] <= rows[t - 1].units[l]);
}

TEST_CASE("a layer never drops below one unit")
{
    const auto rows = GeometricRetention::table({256, 64}, 0.5, 12);
    VERIFY_EQ(rows[8].units[0], int64_t(1)); // 256/256
    VERIFY_EQ(rows[9].units[0], int64_t(1)); // 0.5 rounds to 0 -> 1
    VERIFY_EQ(rows[12].units[1], int64_t(1));
    VERIFY_EQ(GeometricRetention::unitsAt(3, 0.1, 5), int64_t(1));
}

TEST_CASE("target total and fixed fraction are the same law with another q")
{
    const double q = GeometricRetention::qForTarget(0.1, 10);
    VERIFY_NEAR(std::pow(q, 10), 0.1, 1e-12);
    const auto rows = GeometricRetention::table({1000}, q, 10);
    VERIFY_EQ(rows[10].units[0], int64_t(100));
    // a fixed fraction r removed each round: q = 1 − r
    const auto fraction = GeometricRetention::table({100}, 1.0 - 0.2, 2);
    VERIFY_EQ(fraction[1].units[0], int64_t(80));
    VERIFY_EQ(fraction[2].units[0], int64_t(64));
}

TEST_CASE("text like retain.txt, and bad input refused")
{
    const std::string text = GeometricRetention::toText(GeometricRetention::table({256, 64}, 0.9, 2), {"h1", "h2"});
    VERIFY_EQ(text, std::string("t\th1\th2\tpercent\n0\t256\t64\t100.00\n1\t230\t58\t90.00\n2\t207\t52\t80.94\n"));
    VERIFY_THROWS(GeometricRetention::table({256}, 0.0, 3));
    VERIFY_THROWS(GeometricRetention::table({256}, 1.1, 3));
    VERIFY_THROWS(GeometricRetention::table({}, 0.9, 3));
    VERIFY_THROWS(GeometricRetention::table({0}, 0.9, 3));
    VERIFY_THROWS(GeometricRetention::qForTarget(0.0, 3));
}

ENGINE_TEST_MAIN()
