#include "core/engine/runtime/SparseConv2d.h"

#include <torch/torch.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace prunelab::engine {

SparseConv2d SparseConv2d::fromWeights(const torch::Tensor& weight, const torch::Tensor& bias, int64_t padding,
                                       int64_t height, int64_t width, int64_t stride)
{
    if (weight.dim() != 4)
        throw std::invalid_argument("sparse convolution: the weight must be out × in × kh × kw");
    if (stride != 1)
        throw std::invalid_argument("sparse convolution: only stride 1 has a sparse path (got stride " +
                                    std::to_string(stride) + ")");
    const int64_t out = weight.size(0), in = weight.size(1), kh = weight.size(2), kw = weight.size(3);
    SparseConv2d conv;
    conv.level_ = kernels::selectedSimdLevel();
    conv.inChannels_ = in;
    conv.height_ = height;
    conv.width_ = width;
    conv.padding_ = padding;
    conv.paddedHeight_ = height + 2 * padding;
    conv.paddedWidth_ = width + 2 * padding;
    conv.outHeight_ = conv.paddedHeight_ - kh + 1;
    conv.outWidth_ = conv.paddedWidth_ - kw + 1;
    if (padding < 0 || height < 1 || width < 1 || conv.outHeight_ < 1 || conv.outWidth_ < 1)
        throw std::invalid_argument("sparse convolution: a " + std::to_string(kh) + "×" + std::to_string(kw) +
                                    " kernel does not fit a " + std::to_string(height) + "×" + std::to_string(width) +
                                    " input padded by " + std::to_string(padding));
    if (bias.defined() && bias.numel() != out)
        throw std::invalid_argument("sparse convolution: the bias must have one value per output channel");
    const int64_t plane = conv.paddedHeight_ * conv.paddedWidth_;
    conv.positions_ = (conv.outHeight_ * conv.paddedWidth_ + 15) / 16 * 16;
    // The last vector of the last tap reads up to in·plane + kw + 15 floats (see the header): zeros.
    conv.imageFloats_ = in * plane + conv.paddedWidth_ + 32;
    if (conv.imageFloats_ > int64_t(INT32_MAX))
        throw std::invalid_argument("sparse convolution: the input image is too large");
    std::vector<int32_t> tap(size_t(in * kh * kw));
    for (int64_t c = 0; c < in; ++c)
        for (int64_t i = 0; i < kh; ++i)
            for (int64_t j = 0; j < kw; ++j)
                tap[size_t((c * kh + i) * kw + j)] = int32_t(c * plane + i * conv.paddedWidth_ + j);
    const torch::Tensor w = weight.detach().to(torch::kCPU, torch::kFloat).contiguous();
    torch::Tensor b;
    if (bias.defined())
        b = bias.detach().to(torch::kCPU, torch::kFloat).contiguous();
    conv.filters_ = kernels::SparseMatrix::fromDense(w.data_ptr<float>(), out, in * kh * kw,
                                                     b.defined() ? b.data_ptr<float>() : nullptr, tap.data());
    return conv;
}

void SparseConv2d::setSimdLevel(kernels::SimdLevel level)
{
    kernels::requireSimdLevel(level);
    level_ = level;
}

void SparseConv2d::forward(const float* input, int64_t batch, bool relu, float* output) const
{
    thread_local std::vector<float> image, result;
    if (image.size() < size_t(imageFloats_))
        image.resize(size_t(imageFloats_));
    if (result.size() < size_t(filters_.rows * positions_))
        result.resize(size_t(filters_.rows * positions_));
    std::fill(image.begin(), image.begin() + imageFloats_, 0.0f);
    const int64_t plane = paddedHeight_ * paddedWidth_, outPlane = outHeight_ * outWidth_;
    for (int64_t n = 0; n < batch; ++n) {
        // The interior of the padded image; its border and slack stay zero from the fill above.
        const float* source = input + n * inChannels_ * height_ * width_;
        for (int64_t c = 0; c < inChannels_; ++c)
            for (int64_t h = 0; h < height_; ++h)
                std::copy_n(source + (c * height_ + h) * width_, width_,
                            image.data() + c * plane + (h + padding_) * paddedWidth_ + padding_);
        kernels::sparseMatMat(level_, filters_, image.data(), 1, positions_, relu, result.data(), positions_);
        float* target = output + n * filters_.rows * outPlane;
        for (int64_t o = 0; o < filters_.rows; ++o)
            for (int64_t h = 0; h < outHeight_; ++h)
                std::copy_n(result.data() + o * positions_ + h * paddedWidth_, outWidth_,
                            target + o * outPlane + h * outWidth_);
    }
}

torch::Tensor SparseConv2d::forward(const torch::Tensor& input, bool relu) const
{
    if (input.dim() != 4 || input.size(1) != inChannels_ || input.size(2) != height_ || input.size(3) != width_)
        throw std::invalid_argument("sparse convolution: expected N×" + std::to_string(inChannels_) + "×" +
                                    std::to_string(height_) + "×" + std::to_string(width_) + " input");
    torch::Tensor x = input;
    if (!x.device().is_cpu() || x.scalar_type() != torch::kFloat || !x.is_contiguous())
        x = x.to(torch::kCPU, torch::kFloat).contiguous();
    torch::Tensor y = torch::empty({x.size(0), filters_.rows, outHeight_, outWidth_}, torch::kFloat);
    forward(x.data_ptr<float>(), x.size(0), relu, y.data_ptr<float>());
    return y;
}

} // namespace prunelab::engine
