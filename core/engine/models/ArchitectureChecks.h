#pragma once

// Torch-free questions about architectures, for the recipe reader (core/workbench) to refuse a shape that cannot be
// built before any data is loaded. Each answers with the message building the model would throw, or "" when it builds.

#include <cstdint>
#include <string>
#include <vector>

namespace prunelab::engine {

/// What is wrong with a ResNet of `depth` and channel multiplier `width` on height×width images, or "".
std::string resnetProblem(int depth, double width, int64_t height, int64_t widthPx);

/// What is wrong with a DenseNet-BC of these settings on height×width images, or "".
std::string densenetProblem(int64_t growth, const std::vector<int64_t>& blocks, double compression, int64_t height,
                            int64_t widthPx);

} // namespace prunelab::engine
