#pragma once
// Small learnable data for engine suites: class c lights up the c-th horizontal band of a size×size image, plus noise.

#include "core/engine/TensorDataset.h"
#include "core/engine/Vgg.h"

#include <torch/torch.h>

inline prunelab::engine::TensorDataset makeBandDataset(int64_t perClass, int64_t classes, uint64_t seed, int64_t size = 8,
                                                      int64_t channels = 1)
{
    torch::manual_seed(seed);
    const int64_t n = perClass * classes;
    torch::Tensor images = torch::randint(0, 90, {n, channels, size, size}, torch::kFloat);
    torch::Tensor labels = torch::arange(classes, torch::kLong).repeat_interleave(perClass);
    const int64_t band = size / classes;
    for (int64_t i = 0; i < n; ++i) {
        const int64_t c = labels[i].item<int64_t>();
        images[i].narrow(1, c * band, band).add_(140); // rows of every channel
    }
    prunelab::engine::TensorDataset data;
    data.images = images.clamp(0, 255).to(torch::kUInt8);
    data.labels = labels;
    data.classCount = classes;
    return data;
}

/// A small VGG on 16×16 RGB (width 1/8, four classes) whose batch norms are not the identity: running variances in
/// [0.5, 2] and scales and shifts in [−1, 1], so exports and compaction must carry them over to match.
inline prunelab::engine::Vgg makeBatchNormVgg()
{
    prunelab::engine::VggOptions vo;
    vo.width = 0.125;
    vo.channels = 3;
    vo.height = vo.width_px = 16;
    vo.classCount = 4;
    prunelab::engine::Vgg vgg(vo);
    torch::NoGradGuard noGrad;
    for (auto& item : vgg->named_buffers())
        if (item.key().find("running_var") != std::string::npos)
            item.value().uniform_(0.5, 2.0);
    for (auto& item : vgg->named_parameters())
        if (item.value().dim() == 1)
            item.value().uniform_(-1.0, 1.0);
    return vgg;
}
