#include "core/engine/training/TensorDataset.h"

#include <torch/torch.h>

namespace prunelab::engine {

torch::Tensor TensorDataset::imageRows(const torch::Tensor& indices) const
{
    const torch::Tensor idx = indices.to(images.device());
    return rows.defined() ? rows.index_select(0, idx) : idx;
}

torch::Tensor TensorDataset::imagesAt(const torch::Tensor& indices) const
{
    return images.index_select(0, imageRows(indices));
}

torch::Tensor TensorDataset::imageRange(int64_t begin, int64_t count) const
{
    return rows.defined() ? images.index_select(0, rows.narrow(0, begin, count)) : images.narrow(0, begin, count);
}

TensorDataset subset(const TensorDataset& data, const torch::Tensor& indices)
{
    TensorDataset out;
    out.images = data.imagesAt(indices);
    out.labels = data.labels.index_select(0, indices.to(data.labels.device()));
    out.classCount = data.classCount;
    return out;
}

TensorDataset rowsOf(const TensorDataset& data, const torch::Tensor& indices)
{
    TensorDataset out;
    out.images = data.images;
    out.rows = data.imageRows(indices);
    out.labels = data.labels.index_select(0, indices.to(data.labels.device()));
    out.classCount = data.classCount;
    return out;
}

} // namespace prunelab::engine
