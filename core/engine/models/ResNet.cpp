#include "core/engine/models/ResNet.h"

#include "core/engine/models/ArchitectureChecks.h"
#include "core/engine/models/GraphBuilder.h"
#include "core/engine/models/GraphNet.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace prunelab::engine {

namespace {

/// A basic block: two 3×3 convs with batch norm, added to the input (through a 1×1 conv + batch norm where the
/// shape changes), then ReLU. Returns the block's output step.
int basicBlock(GraphBuilder& g, const std::string& name, int from, int64_t in, int64_t out, int64_t stride)
{
    int x = g.relu(g.norm(name + ".bn1", g.conv(name + ".conv1", from, in, out, 3, stride, 1), out));
    x = g.norm(name + ".bn2", g.conv(name + ".conv2", x, out, out, 3, 1, 1), out);
    int shortcut = from;
    if (stride != 1 || in != out)
        shortcut = g.norm(name + ".downsample.1", g.conv(name + ".downsample.0", from, in, out, 1, stride, 0), out);
    return g.relu(g.add(x, shortcut));
}

} // namespace

std::vector<ForwardStep> resnetGraph(const ResNetOptions& o)
{
    std::vector<int64_t> blocks;
    std::vector<int64_t> planes;
    if (o.depth == 18 || o.depth == 34) {
        blocks = o.depth == 18 ? std::vector<int64_t>{2, 2, 2, 2} : std::vector<int64_t>{3, 4, 6, 3};
        planes = {64, 128, 256, 512};
    } else if (o.depth >= 8 && o.depth <= 200 && (o.depth - 2) % 6 == 0) {
        blocks.assign(3, (o.depth - 2) / 6);
        planes = {16, 32, 64};
    } else {
        throw std::invalid_argument("ResNet depth " + std::to_string(o.depth) +
                                    ": expected 18 or 34 (ImageNet-style) or 6n+2 such as 20, 32, 56 (CIFAR-style)");
    }
    if (!(o.width > 0.0 && o.width <= 4.0))
        throw std::invalid_argument("ResNet width multiplier must be in (0, 4]");
    if (o.classCount < 2)
        throw std::invalid_argument("ResNet needs at least 2 classes");
    if (o.height < 1 || o.width_px < 1 || o.channels < 1)
        throw std::invalid_argument("ResNet needs a non-empty input");
    const auto scaled = [&](int64_t c) { return std::max<int64_t>(1, std::llround(double(c) * o.width)); };

    GraphBuilder g;
    int64_t h = o.height, w = o.width_px;
    int64_t in = scaled(planes[0]);
    int x = -1;
    if (std::min(h, w) >= 64) { // ImageNet's stem: the feature maps start at a quarter of the image
        x = g.relu(g.norm("bn1", g.conv("conv1", x, o.channels, in, 7, 2, 3), in));
        x = g.maxPool(x, 3, 2, 1);
        h = (h + 1) / 2, w = (w + 1) / 2; // 7×7, stride 2, padding 3
        h = (h + 1) / 2, w = (w + 1) / 2; // 3×3, stride 2, padding 1
    } else {
        x = g.relu(g.norm("bn1", g.conv("conv1", x, o.channels, in, 3, 1, 1), in));
    }
    for (size_t stage = 0; stage < planes.size(); ++stage) {
        const int64_t out = scaled(planes[stage]);
        for (int64_t b = 0; b < blocks[stage]; ++b) {
            const int64_t stride = stage > 0 && b == 0 ? 2 : 1;
            if (stride == 2) {
                if (h < 2 || w < 2)
                    throw std::invalid_argument("the images (" + std::to_string(o.height) + "×" +
                                                std::to_string(o.width_px) + ") are too small for ResNet-" +
                                                std::to_string(o.depth) + ": its stage " + std::to_string(stage + 1) +
                                                " would halve a 1-pixel feature map");
                h = (h + 1) / 2, w = (w + 1) / 2;
            }
            x = basicBlock(g, "layer" + std::to_string(stage + 1) + "." + std::to_string(b), x, in, out, stride);
            in = out;
        }
    }
    g.classifierHead("fc", x, in, o.classCount);
    return g.steps();
}

ClassifierPtr buildResNet(const ResNetOptions& options)
{
    return GraphNet(resnetGraph(options), options.init).ptr();
}

std::string resnetProblem(int depth, double width, int64_t height, int64_t widthPx)
{
    ResNetOptions o;
    o.depth = depth;
    o.width = width;
    o.height = height;
    o.width_px = widthPx;
    return invalidArgumentOf([&] { resnetGraph(o); }); // the step list only: no tensors
}

} // namespace prunelab::engine
