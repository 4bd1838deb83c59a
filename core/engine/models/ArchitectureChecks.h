#pragma once

// Torch-free questions about architectures, for the recipe reader (core/workbench) to refuse a shape that cannot be
// built before any data is loaded. Each answers with the message building the model would throw, or "" when it builds.

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace prunelab::engine {

/// The message of the std::invalid_argument `build` throws, or "" when it throws none.
inline std::string invalidArgumentOf(const std::function<void()>& build)
{
    try {
        build();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return {};
}

/// What is wrong with a ResNet of `depth` and channel multiplier `width` on height×width images, or "".
std::string resnetProblem(int depth, double width, int64_t height, int64_t widthPx);

/// What is wrong with a DenseNet-BC of these settings on height×width images, or "".
std::string densenetProblem(int64_t growth, const std::vector<int64_t>& blocks, double compression, int64_t height,
                            int64_t widthPx);

} // namespace prunelab::engine
