#pragma once

#include "core/engine/models/Classifier.h"
#include "core/engine/models/WeightInit.h"

#include <vector>

namespace prunelab::engine {

struct DenseNetOptions {
    int64_t growth = 12;                  ///< k: channels each dense layer adds
    std::vector<int64_t> blocks{6, 6, 6}; ///< dense layers per block ({6, 12, 24, 16}: 121; {6, 12, 32, 32}: 169)
    double compression = 0.5;             ///< θ: a transition keeps floor(θ·C) channels
    int64_t channels = 3;                 ///< input image
    int64_t height = 32;
    int64_t width_px = 32;
    int64_t classCount = 10;
    InitOptions init;
};

/// The graph of a DenseNet-BC (Huang et al. 2017): each dense layer is batch norm + ReLU + 1×1 conv to 4k channels,
/// batch norm + ReLU + 3×3 conv to k channels, concatenated to its input; a transition between blocks is batch norm +
/// ReLU + 1×1 conv to θ·C channels + 2×2 average pooling; then batch norm, ReLU, global average pooling and one linear
/// layer. The stem has 2k channels: a 3×3 conv for inputs under 64 px (CIFAR), ImageNet's 7×7 conv, stride 2, batch
/// norm, ReLU and 3×3 max-pool, stride 2, from 64 px. Modules are named as torchvision names them
/// (`features.denseblock1.denselayer1.conv1`, `features.transition1.conv`, `classifier`).
/// Throws std::invalid_argument for growth < 1, no blocks, a block without layers, a compression out of (0, 1], or an
/// input too small to pool between the blocks.
std::vector<ForwardStep> densenetGraph(const DenseNetOptions& options);

/// The built network (a GraphNet of densenetGraph).
ClassifierPtr buildDenseNet(const DenseNetOptions& options);

} // namespace prunelab::engine
