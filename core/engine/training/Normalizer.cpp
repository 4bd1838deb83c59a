#include "core/engine/training/Normalizer.h"

#include "core/engine/runtime/kernels/CpuKernels.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace prunelab::engine {

Normalizer::Normalizer(std::vector<double> mean, std::vector<double> std) : mean_(std::move(mean)), std_(std::move(std))
{
    if (mean_.empty() || mean_.size() != std_.size())
        throw std::invalid_argument("normaliser needs one mean and one std per channel");
    const auto channels = static_cast<int64_t>(mean_.size());
    scale_ = torch::empty({1, channels, 1, 1});
    shift_ = torch::empty({1, channels, 1, 1});
    for (int64_t c = 0; c < channels; ++c) {
        const double s = std_[static_cast<size_t>(c)] > 1e-8 ? std_[static_cast<size_t>(c)] : 1.0;
        scale_[0][c][0][0] = 1.0 / (255.0 * s);
        shift_[0][c][0][0] = -mean_[static_cast<size_t>(c)] / s;
    }
}

Normalizer Normalizer::fromData(const torch::Tensor& images)
{
    TensorDataset data;
    data.images = images;
    return fromData(data);
}

Normalizer Normalizer::fromData(const TensorDataset& data)
{
    const torch::Tensor& images = data.images;
    if (!images.defined() || images.dim() != 4)
        throw std::invalid_argument("expected N×C×H×W images");
    torch::NoGradGuard noGrad;
    const int64_t channels = images.size(1);
    std::vector<double> mean(static_cast<size_t>(channels));
    std::vector<double> std(static_cast<size_t>(channels));
    // Sums in double over chunks of images: converting a whole channel of a 34k×128×128 set to double at once took
    // 4.4 GB (`prunelab-cli bench memory`); a chunk of 256 images takes at most a few hundred MB.
    std::vector<double> sum(static_cast<size_t>(channels), 0.0), squares(static_cast<size_t>(channels), 0.0);
    const int64_t n = data.size(); // a split's own images only, gathered a chunk at a time
    for (int64_t begin = 0; begin < n; begin += 256) {
        const torch::Tensor chunk =
            data.imageRange(begin, std::min<int64_t>(256, n - begin)).to(torch::kDouble).div_(255.0);
        const torch::Tensor s = chunk.sum({0, 2, 3});
        const torch::Tensor q = chunk.mul_(chunk).sum({0, 2, 3});
        for (int64_t c = 0; c < channels; ++c) {
            sum[static_cast<size_t>(c)] += s[c].item<double>();
            squares[static_cast<size_t>(c)] += q[c].item<double>();
        }
    }
    const double count = double(n) * double(images.size(2)) * double(images.size(3));
    for (size_t c = 0; c < size_t(channels); ++c) {
        mean[c] = count > 0 ? sum[c] / count : 0.0;
        // Unbiased, as torch::std: (Σx² − (Σx)²/N) / (N − 1).
        std[c] = count > 1 ? std::sqrt(std::max(0.0, (squares[c] - sum[c] * sum[c] / count) / (count - 1.0))) : 0.0;
    }
    return Normalizer(std::move(mean), std::move(std));
}

torch::Tensor Normalizer::operator()(const torch::Tensor& images) const
{
    if (!scale_.defined())
        throw std::logic_error("normaliser used before it was configured");
    const torch::Device device = images.device();
    return images.to(torch::kFloat).mul_(scale_.to(device)).add_(shift_.to(device));
}

torch::Tensor Normalizer::gather(const torch::Tensor& images, const torch::Tensor& indices) const
{
    if (!scale_.defined())
        throw std::logic_error("normaliser used before it was configured");
    const bool fast = images.device().is_cpu() && images.scalar_type() == torch::kUInt8 && images.dim() == 4 &&
                      images.is_contiguous() && images.size(1) == scale_.size(1) && indices.device().is_cpu() &&
                      indices.scalar_type() == torch::kLong && indices.dim() == 1;
    if (!fast)
        return (*this)(images.index_select(0, indices.to(images.device())));
    const torch::Tensor index = indices.contiguous();
    const int64_t count = index.numel(), channels = images.size(1), plane = images.size(2) * images.size(3);
    const int64_t n = images.size(0);
    torch::Tensor out = torch::empty({count, channels, images.size(2), images.size(3)}, torch::kFloat);
    const int64_t bad =
        kernels::gatherNormalized(images.data_ptr<uint8_t>(), n, index.data_ptr<int64_t>(), count, channels, plane,
                                  scale_.data_ptr<float>(), shift_.data_ptr<float>(), out.data_ptr<float>());
    if (bad >= 0)
        throw std::out_of_range("sample index " + std::to_string(bad) + " outside 0…" + std::to_string(n - 1));
    return out;
}

} // namespace prunelab::engine
