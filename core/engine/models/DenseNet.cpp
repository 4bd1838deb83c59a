#include "core/engine/models/DenseNet.h"

#include "core/engine/models/ArchitectureChecks.h"
#include "core/engine/models/GraphBuilder.h"
#include "core/engine/models/GraphNet.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace prunelab::engine {

std::vector<ForwardStep> densenetGraph(const DenseNetOptions& o)
{
    if (o.growth < 1)
        throw std::invalid_argument("DenseNet growth must be at least 1");
    if (o.blocks.empty() || std::any_of(o.blocks.begin(), o.blocks.end(), [](int64_t n) { return n < 1; }))
        throw std::invalid_argument("DenseNet needs at least one block, each with at least one layer");
    if (!(o.compression > 0.0 && o.compression <= 1.0))
        throw std::invalid_argument("DenseNet compression must be in (0, 1]");
    if (o.classCount < 2)
        throw std::invalid_argument("DenseNet needs at least 2 classes");
    if (o.height < 1 || o.width_px < 1 || o.channels < 1)
        throw std::invalid_argument("DenseNet needs a non-empty input");

    GraphBuilder g;
    const int64_t k = o.growth;
    int64_t c = 2 * k;
    int64_t h = o.height, w = o.width_px;
    int x = -1;
    if (std::min(h, w) >= 64) { // ImageNet's stem: the feature maps start at a quarter of the image
        x = g.relu(g.norm("features.norm0", g.conv("features.conv0", x, o.channels, c, 7, 2, 3), c));
        x = g.maxPool(x, 3, 2, 1);
        h = (h + 1) / 2, w = (w + 1) / 2;
        h = (h + 1) / 2, w = (w + 1) / 2;
    } else {
        x = g.conv("features.conv0", x, o.channels, c, 3, 1, 1);
    }
    for (size_t block = 0; block < o.blocks.size(); ++block) {
        const std::string blockName = "features.denseblock" + std::to_string(block + 1);
        for (int64_t layer = 0; layer < o.blocks[block]; ++layer) {
            const std::string p = blockName + ".denselayer" + std::to_string(layer + 1);
            int y = g.conv(p + ".conv1", g.relu(g.norm(p + ".norm1", x, c)), c, 4 * k, 1, 1, 0);
            y = g.conv(p + ".conv2", g.relu(g.norm(p + ".norm2", y, 4 * k)), 4 * k, k, 3, 1, 1);
            x = g.concat(x, y);
            c += k;
        }
        if (block + 1 == o.blocks.size())
            break;
        if (h < 2 || w < 2)
            throw std::invalid_argument("the images (" + std::to_string(o.height) + "×" + std::to_string(o.width_px) +
                                        ") are too small for " + std::to_string(o.blocks.size()) +
                                        " DenseNet blocks: transition " + std::to_string(block + 1) +
                                        " would pool a 1-pixel feature map");
        const std::string t = "features.transition" + std::to_string(block + 1);
        const int64_t kept = std::max<int64_t>(1, int64_t(std::floor(o.compression * double(c))));
        x = g.avgPool(g.conv(t + ".conv", g.relu(g.norm(t + ".norm", x, c)), c, kept, 1, 1, 0), 2, 2);
        c = kept;
        h /= 2, w /= 2;
    }
    x = g.relu(g.norm("features.norm5", x, c));
    g.classifierHead("classifier", x, c, o.classCount);
    return g.steps();
}

ClassifierPtr buildDenseNet(const DenseNetOptions& options)
{
    return GraphNet(densenetGraph(options), options.init).ptr();
}

std::string densenetProblem(int64_t growth, const std::vector<int64_t>& blocks, double compression, int64_t height,
                            int64_t widthPx)
{
    DenseNetOptions o;
    o.growth = growth;
    o.blocks = blocks;
    o.compression = compression;
    o.height = height;
    o.width_px = widthPx;
    return invalidArgumentOf([&] { densenetGraph(o); }); // the step list only: no tensors
}

} // namespace prunelab::engine
