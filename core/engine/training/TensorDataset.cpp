#include "core/engine/training/TensorDataset.h"

#include <torch/torch.h>

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

} // namespace prunelab::engine
