#pragma once

#include "core/engine/models/Classifier.h"
#include "core/engine/models/WeightInit.h"

#include <vector>

namespace prunelab::engine {

struct ResNetOptions {
    int depth = 20;       ///< 6n+2 (20, 32, 44, 56, 110: CIFAR-style, 3 stages) or 18, 34 (ImageNet-style, 4 stages)
    double width = 1.0;   ///< channel multiplier (16/32/64 or 64…512 channels at 1)
    int64_t channels = 3; ///< input image
    int64_t height = 32;
    int64_t width_px = 32;
    int64_t classCount = 10;
    InitOptions init;
};

/// The graph of a ResNet with basic blocks (He et al. 2016): 3×3 conv + batch norm + ReLU, 3×3 conv + batch norm,
/// added to the block's input (option B: a 1×1 conv + batch norm where the shape changes), then ReLU; global average
/// pooling and one linear layer. Inputs of at least 64 px on their short side get ImageNet's stem (7×7 conv, stride
/// 2, and a 3×3 max-pool, stride 2: 128×128 brain slices become 32×32 maps), smaller ones CIFAR's 3×3 conv.
/// Modules are named as torchvision names them (`conv1`, `layer1.0.conv1`, `layer2.0.downsample.0`, `fc`).
/// Throws std::invalid_argument for a depth that is neither, a width out of (0, 4], or an input too small.
std::vector<ForwardStep> resnetGraph(const ResNetOptions& options);

/// The built network (a GraphNet of resnetGraph).
ClassifierPtr buildResNet(const ResNetOptions& options);

} // namespace prunelab::engine
