#pragma once
// A minimal test harness for core/engine suites: they must build where only LibTorch is installed (no Qt Test,
// no GoogleTest on a GPU node). Each TEST_CASE registers itself; main() runs them all, catches exceptions, and
// prints one line per case and a closing "N passed, N failed" line that CTest and CI read.

#include <cmath>
#include <exception>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace enginetest {

struct Failure : std::exception {
    std::string message;
    explicit Failure(std::string m) : message(std::move(m)) {}
    const char* what() const noexcept override { return message.c_str(); }
};

struct Case {
    const char* name;
    std::function<void()> body;
};

inline std::vector<Case>& registry()
{
    static std::vector<Case> cases;
    return cases;
}

struct Registrar {
    Registrar(const char* name, std::function<void()> body) { registry().push_back({name, std::move(body)}); }
};

inline int runAll()
{
    int passed = 0;
    int failed = 0;
    for (const Case& c : registry()) {
        try {
            c.body();
            ++passed;
            std::cout << "PASS   " << c.name << '\n';
        } catch (const std::exception& e) {
            ++failed;
            std::cout << "FAIL!  " << c.name << ": " << e.what() << '\n';
        }
    }
    std::cout << passed << " passed, " << failed << " failed" << std::endl;
    return failed == 0 ? 0 : 1;
}

} // namespace enginetest

#define ENGINE_TEST_CAT2(a, b) a##b
#define ENGINE_TEST_CAT(a, b) ENGINE_TEST_CAT2(a, b)
#define TEST_CASE(name)                                                                                                \
    static void ENGINE_TEST_CAT(test_body_, __LINE__)();                                                               \
    static const enginetest::Registrar ENGINE_TEST_CAT(test_reg_, __LINE__)(name,                                      \
                                                                            &ENGINE_TEST_CAT(test_body_, __LINE__));   \
    static void ENGINE_TEST_CAT(test_body_, __LINE__)()

#define VERIFY(cond)                                                                                                   \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            std::ostringstream os_;                                                                                    \
            os_ << __FILE__ << ':' << __LINE__ << ": VERIFY(" #cond ") failed";                                        \
            throw enginetest::Failure(os_.str());                                                                      \
        }                                                                                                              \
    } while (0)

#define VERIFY_EQ(a, b)                                                                                                \
    do {                                                                                                               \
        const auto va_ = (a);                                                                                          \
        const auto vb_ = (b);                                                                                          \
        if (!(va_ == vb_)) {                                                                                           \
            std::ostringstream os_;                                                                                    \
            os_ << __FILE__ << ':' << __LINE__ << ": " #a " == " #b " failed: " << va_ << " vs " << vb_;               \
            throw enginetest::Failure(os_.str());                                                                      \
        }                                                                                                              \
    } while (0)

#define VERIFY_NEAR(a, b, tol)                                                                                         \
    do {                                                                                                               \
        const double va_ = (a);                                                                                        \
        const double vb_ = (b);                                                                                        \
        if (!(std::fabs(va_ - vb_) <= (tol))) {                                                                        \
            std::ostringstream os_;                                                                                    \
            os_ << __FILE__ << ':' << __LINE__ << ": |" #a " - " #b "| <= " #tol " failed: " << va_ << " vs " << vb_;  \
            throw enginetest::Failure(os_.str());                                                                      \
        }                                                                                                              \
    } while (0)

#define VERIFY_THROWS(expr)                                                                                            \
    do {                                                                                                               \
        bool threw_ = false;                                                                                           \
        try {                                                                                                          \
            (void)(expr);                                                                                              \
        } catch (const std::exception&) {                                                                              \
            threw_ = true;                                                                                             \
        }                                                                                                              \
        if (!threw_)                                                                                                   \
            throw enginetest::Failure(std::string(__FILE__) + ":" + std::to_string(__LINE__) +                         \
                                      ": expected an exception from " #expr);                                          \
    } while (0)

#define ENGINE_TEST_MAIN()                                                                                             \
    int main()                                                                                                         \
    {                                                                                                                  \
        return enginetest::runAll();                                                                                   \
    }
