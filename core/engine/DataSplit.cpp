#include "core/engine/DataSplit.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <cmath>
#include <stdexcept>
#include <vector>

namespace prunelab::engine {

TensorDataset subset(const TensorDataset& data, const torch::Tensor& indices)
{
    TensorDataset out;
    const torch::Tensor idx = indices.to(data.images.device());
    out.images = data.images.index_select(0, idx);
    out.labels = data.labels.index_select(0, idx);
    out.classCount = data.classCount;
    return out;
}

DataSplit splitStratified(const TensorDataset& data, double validationFraction, uint64_t seed)
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
    split.train = subset(data, toTensor(trainIdx));
    split.validation = subset(data, toTensor(valIdx));
    return split;
}

} // namespace prunelab::engine
