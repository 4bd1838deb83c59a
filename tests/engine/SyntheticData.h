#pragma once
// Small learnable data for engine suites: class c lights up the c-th horizontal band of a size×size image, plus noise.

#include "core/engine/models/Vgg.h"
#include "core/engine/training/TensorDataset.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

/// A stratified random split of an in-memory dataset, for engine suites that build their data in memory. The product
/// splits files, not tensors: datasets::splitStratified (datasets/DatasetSplit.h) is its one stratified split.
struct DataSplit {
    prunelab::engine::TensorDataset train;
    prunelab::engine::TensorDataset validation;
};

/// Each class contributes `validationFraction` of its samples (at least one when it has two or more) to validation.
/// The permutation comes from `seed` alone, so the same seed gives the same split.
inline DataSplit splitStratified(const prunelab::engine::TensorDataset& data, double validationFraction, uint64_t seed)
{
    if (!(validationFraction > 0.0 && validationFraction < 1.0))
        throw std::invalid_argument("validation fraction must be in (0, 1)");
    if (data.size() < 2)
        throw std::invalid_argument("need at least two samples to split");
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    const torch::Tensor labels = data.labels.to(torch::kCPU);
    std::vector<int64_t> trainIdx;
    std::vector<int64_t> valIdx;
    for (int64_t c = 0; c < data.classCount; ++c) {
        const torch::Tensor members = torch::nonzero(labels == c).flatten();
        const int64_t n = members.size(0);
        if (n == 0)
            continue;
        const torch::Tensor order = members.index_select(0, torch::randperm(n, generator, torch::kLong));
        int64_t nVal = static_cast<int64_t>(std::llround(static_cast<double>(n) * validationFraction));
        if (n >= 2)
            nVal = std::clamp<int64_t>(nVal, 1, n - 1);
        else
            nVal = 0;
        const auto* p = order.data_ptr<int64_t>();
        valIdx.insert(valIdx.end(), p, p + nVal);
        trainIdx.insert(trainIdx.end(), p + nVal, p + n);
    }
    auto toTensor = [](std::vector<int64_t>& v) {
        return torch::from_blob(v.data(), {static_cast<int64_t>(v.size())}, torch::kLong).clone();
    };
    DataSplit split;
    split.train = prunelab::engine::subset(data, toTensor(trainIdx));
    split.validation = prunelab::engine::subset(data, toTensor(valIdx));
    return split;
}

inline prunelab::engine::TensorDataset makeBandDataset(int64_t perClass, int64_t classes, uint64_t seed,
                                                       int64_t size = 8, int64_t channels = 1)
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
