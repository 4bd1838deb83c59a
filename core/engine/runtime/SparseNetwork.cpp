#include "core/engine/runtime/SparseNetwork.h"

#include <torch/torch.h>

#include <algorithm>
#include <stdexcept>

namespace prunelab::engine {

namespace {

const char* stepName(ForwardStep::Kind kind)
{
    switch (kind) {
    case ForwardStep::Kind::Conv2d:
        return "a convolution";
    case ForwardStep::Kind::BatchNorm2d:
        return "batch norm";
    case ForwardStep::Kind::MaxPool2d:
        return "max pooling";
    case ForwardStep::Kind::GlobalAvgPool:
        return "global average pooling";
    case ForwardStep::Kind::AvgPool2d:
        return "average pooling";
    case ForwardStep::Kind::Add:
        return "a residual connection";
    case ForwardStep::Kind::Concat:
        return "a concatenation";
    default:
        return "a step";
    }
}

struct Scratch {
    std::vector<float> a, b;
};

Scratch& threadScratch()
{
    thread_local Scratch scratch;
    return scratch;
}

float* sized(std::vector<float>& buffer, size_t n)
{
    if (buffer.size() < n)
        buffer.resize(n);
    return buffer.data();
}

// out[c · outStride + s] = in[s · inStride + c], by 16×16 tiles so that both sides stay in cache lines.
void transpose(const float* in, int64_t inRows, int64_t inColumns, int64_t inStride, float* out, int64_t outStride)
{
    constexpr int64_t tile = 16;
    for (int64_t s0 = 0; s0 < inRows; s0 += tile)
        for (int64_t c0 = 0; c0 < inColumns; c0 += tile) {
            const int64_t s1 = std::min(inRows, s0 + tile), c1 = std::min(inColumns, c0 + tile);
            for (int64_t c = c0; c < c1; ++c)
                for (int64_t s = s0; s < s1; ++s)
                    out[c * outStride + s] = in[s * inStride + c];
        }
}

} // namespace

SparseNetwork SparseNetwork::fromModel(ClassifierImpl& model)
{
    torch::NoGradGuard noGrad;
    const auto parameters = model.named_parameters(/*recurse=*/true);
    SparseNetwork network;
    network.level_ = kernels::selectedSimdLevel();
    for (const ForwardStep& step : model.forwardSteps()) {
        if (step.kind == ForwardStep::Kind::Flatten)
            continue;
        if (step.kind == ForwardStep::Kind::Relu) {
            if (network.layers_.empty())
                throw std::invalid_argument("sparse inference: a ReLU before the first linear layer");
            network.layers_.back().relu = true;
            continue;
        }
        if (step.kind != ForwardStep::Kind::Linear)
            throw std::invalid_argument(std::string("sparse inference covers linear layers only; this model has ") +
                                        stepName(step.kind) + " (" + step.module +
                                        "): use structured pruning and compaction to make it faster");
        const torch::Tensor weight =
            parameters[step.module + ".weight"].detach().to(torch::kCPU, torch::kFloat).contiguous();
        if (!network.layers_.empty() && network.layers_.back().matrix.rows != weight.size(1))
            throw std::invalid_argument("sparse inference: " + step.module + " does not follow its input's width");
        torch::Tensor bias;
        if (step.bias)
            bias = parameters[step.module + ".bias"].detach().to(torch::kCPU, torch::kFloat).contiguous();
        Layer layer;
        layer.matrix = kernels::SparseMatrix::fromDense(weight.data_ptr<float>(), weight.size(0), weight.size(1),
                                                        bias.defined() ? bias.data_ptr<float>() : nullptr);
        network.widest_ = std::max({network.widest_, layer.matrix.rows, layer.matrix.columns});
        network.layers_.push_back(std::move(layer));
    }
    if (network.layers_.empty())
        throw std::invalid_argument("sparse inference: the model has no linear layer");
    return network;
}

void SparseNetwork::setSimdLevel(kernels::SimdLevel level)
{
    kernels::requireSimdLevel(level);
    level_ = level;
}

void SparseNetwork::forward(const float* input, int64_t batch, float* output) const
{
    Scratch& scratch = threadScratch();
    const int64_t in = inputFeatures(), out = outputFeatures();
    if (batch < kBatchedFrom) {
        float* a = sized(scratch.a, size_t(widest_));
        float* b = sized(scratch.b, size_t(widest_));
        for (int64_t s = 0; s < batch; ++s) {
            const float* x = input + s * in;
            for (size_t i = 0; i < layers_.size(); ++i) {
                float* y = i + 1 == layers_.size() ? output + s * out : (x == a ? b : a);
                kernels::sparseMatVec(level_, layers_[i].matrix, x, layers_[i].relu, y);
                x = y;
            }
        }
        return;
    }
    // Feature-major, the batch padded to whole vectors of 16 (the padding samples are zeros and are dropped).
    const int64_t stride = (batch + 15) / 16 * 16;
    float* x = sized(scratch.a, size_t(widest_ * stride));
    float* y = sized(scratch.b, size_t(widest_ * stride));
    transpose(input, batch, in, in, x, stride);
    if (stride != batch)
        for (int64_t c = 0; c < in; ++c)
            std::fill(x + c * stride + batch, x + (c + 1) * stride, 0.0f);
    for (const Layer& layer : layers_) {
        kernels::sparseMatMat(level_, layer.matrix, x, stride, stride, layer.relu, y, stride);
        std::swap(x, y);
    }
    transpose(x, out, batch, stride, output, out);
}

torch::Tensor SparseNetwork::forward(const torch::Tensor& input) const
{
    const int64_t batch = input.size(0);
    torch::Tensor x = input;
    if (!x.device().is_cpu() || x.scalar_type() != torch::kFloat || !x.is_contiguous())
        x = x.to(torch::kCPU, torch::kFloat).contiguous();
    if (x.numel() != batch * inputFeatures())
        throw std::invalid_argument("sparse inference: expected " + std::to_string(inputFeatures()) +
                                    " input values per sample, got " +
                                    std::to_string(batch == 0 ? 0 : x.numel() / batch));
    torch::Tensor logits = torch::empty({batch, outputFeatures()}, torch::kFloat);
    forward(x.data_ptr<float>(), batch, logits.data_ptr<float>());
    return logits;
}

int64_t SparseNetwork::nonzeroWeights() const
{
    int64_t n = 0;
    for (const Layer& layer : layers_)
        n += layer.matrix.nonzeros();
    return n;
}

int64_t SparseNetwork::denseWeights() const
{
    int64_t n = 0;
    for (const Layer& layer : layers_)
        n += layer.matrix.rows * layer.matrix.columns;
    return n;
}

} // namespace prunelab::engine
