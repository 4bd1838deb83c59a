#include "core/engine/models/ModelFactory.h"

#include "core/engine/models/DenseNet.h"
#include "core/engine/models/LeNet5.h"
#include "core/engine/models/Mlp.h"
#include "core/engine/models/ResNet.h"
#include "core/engine/models/Vgg.h"

#include <torch/torch.h>

#include <stdexcept>

namespace prunelab::engine {

ClassifierPtr buildModel(const ModelSpec& spec, int64_t channels, int64_t height, int64_t width, int64_t classCount)
{
    if (spec.arch == "mlp")
        return Mlp(MlpOptions{channels * height * width, spec.hidden, classCount, spec.init}).ptr();
    if (spec.arch == "lenet5")
        return LeNet5(LeNet5Options{channels, height, width, classCount, spec.init}).ptr();
    if (spec.arch == "vgg") {
        VggOptions options;
        options.layout = spec.layout;
        options.width = spec.width;
        options.batchNorm = spec.batchNorm;
        options.channels = channels;
        options.height = height;
        options.width_px = width;
        options.classCount = classCount;
        options.init = spec.init;
        return Vgg(options).ptr();
    }
    if (spec.arch == "resnet")
        return buildResNet(ResNetOptions{spec.depth, spec.width, channels, height, width, classCount, spec.init});
    if (spec.arch == "densenet")
        return buildDenseNet(DenseNetOptions{spec.growth, spec.blocks, spec.compression, channels, height, width,
                                             classCount, spec.init});
    throw std::invalid_argument("unknown model arch '" + spec.arch +
                                "': expected mlp, lenet5, vgg, resnet or densenet");
}

int64_t parameterCount(torch::nn::Module& model)
{
    int64_t count = 0;
    for (const auto& p : model.parameters())
        count += p.numel();
    return count;
}

} // namespace prunelab::engine
