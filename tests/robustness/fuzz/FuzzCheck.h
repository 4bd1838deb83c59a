#pragma once

// Shared by the fuzz targets: an invariant that must hold for every input (a failed check aborts, which libFuzzer
// and the mutation driver both report as a crash, with the input saved).

#include <cstdio>
#include <cstdlib>

#define PRUNELAB_FUZZ_CHECK(condition)                                                                                 \
    do {                                                                                                               \
        if (!(condition)) {                                                                                            \
            std::fprintf(stderr, "fuzz check failed: %s (%s:%d)\n", #condition, __FILE__, __LINE__);                   \
            std::abort();                                                                                              \
        }                                                                                                              \
    } while (false)
