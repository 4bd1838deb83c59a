#include "core/engine/measure/Measurements.h"

#include <torch/torch.h>

#include <algorithm>
#include <stdexcept>

namespace prunelab::engine {

ClassificationReport classificationReport(const torch::Tensor& truth, const torch::Tensor& predicted,
                                          int64_t classCount)
{
    if (truth.numel() != predicted.numel())
        throw std::invalid_argument("classification report: truth and predictions differ in length");
    if (classCount < 1)
        throw std::invalid_argument("classification report needs at least one class");
    const torch::Tensor t = truth.flatten().to(torch::kCPU, torch::kLong);
    const torch::Tensor p = predicted.flatten().to(torch::kCPU, torch::kLong);
    // One bincount over (true, predicted) pairs gives the whole confusion matrix.
    const torch::Tensor counts =
        torch::bincount(t * classCount + p, {}, classCount * classCount).view({classCount, classCount});
    const auto c = counts.accessor<int64_t, 2>();

    ClassificationReport report;
    report.samples = t.numel();
    report.confusion.assign(size_t(classCount), std::vector<int64_t>(size_t(classCount), 0));
    int64_t correct = 0;
    for (int64_t i = 0; i < classCount; ++i) {
        for (int64_t j = 0; j < classCount; ++j)
            report.confusion[size_t(i)][size_t(j)] = c[i][j];
        correct += c[i][i];
    }
    double f1Sum = 0.0;
    for (int64_t k = 0; k < classCount; ++k) {
        int64_t predictedK = 0;
        int64_t actualK = 0;
        for (int64_t i = 0; i < classCount; ++i) {
            predictedK += c[i][k];
            actualK += c[k][i];
        }
        ClassMetrics m;
        m.support = actualK;
        m.precision = predictedK > 0 ? double(c[k][k]) / double(predictedK) : 0.0;
        m.recall = actualK > 0 ? double(c[k][k]) / double(actualK) : 0.0;
        m.f1 = m.precision + m.recall > 0 ? 2 * m.precision * m.recall / (m.precision + m.recall) : 0.0;
        f1Sum += m.f1;
        report.perClass.push_back(m);
    }
    report.accuracy = report.samples > 0 ? double(correct) / double(report.samples) : 0.0;
    report.macroF1 = f1Sum / double(classCount);
    return report;
}

namespace {

/// The weight as a matrix: rows are output units or filters, columns everything a unit reads.
torch::Tensor asMatrix(const torch::Tensor& t)
{
    return t.dim() == 2 ? t : t.reshape({t.size(0), -1});
}

template <typename T> std::vector<T> toVector(const torch::Tensor& t)
{
    const torch::Tensor c = t.contiguous();
    return std::vector<T>(c.data_ptr<T>(), c.data_ptr<T>() + c.numel());
}

/// Rows and columns sorted by kept share (most kept first, stable), then downsampled like the mask image.
void orderByKeptShare(const torch::Tensor& matrix, LayerSnapshot& s)
{
    const torch::Tensor rows = std::get<1>(torch::sort(matrix.mean(1), /*stable=*/true, 0, /*descending=*/true));
    const torch::Tensor columns = std::get<1>(torch::sort(matrix.mean(0), /*stable=*/true, 0, /*descending=*/true));
    const torch::Tensor ordered = matrix.index_select(0, rows).index_select(1, columns);
    s.orderedMaskImage = toVector<float>(
        torch::adaptive_avg_pool2d(ordered.unsqueeze(0).unsqueeze(0), {s.maskRows, s.maskCols}).flatten());
    s.orderedRows = toVector<int32_t>(rows.to(torch::kInt));
    s.orderedColumns = toVector<int32_t>(columns.to(torch::kInt));
}

/// The input map of a first Linear layer reading a channels × height × width image (flattened in that order).
void mapInputs(const torch::Tensor& weight, const torch::Tensor& kept, const std::vector<int64_t>& inputShape,
               int64_t maxNeuronSide, LayerSnapshot& s)
{
    const int64_t units = kept.size(0), channels = inputShape[0], height = inputShape[1], width = inputShape[2];
    s.inputChannels = channels;
    s.inputHeight = height;
    s.inputWidth = width;
    s.inputKept = toVector<float>(kept.view({units, channels, height * width}).mean(std::vector<int64_t>{0, 1}));
    // Each unit's kept weights as a picture: channels averaged, blocks averaged down to at most maxNeuronSide.
    const double shrink = std::min(1.0, double(maxNeuronSide) / double(std::max(height, width)));
    s.neuronHeight = std::max<int64_t>(1, std::llround(double(height) * shrink));
    s.neuronWidth = std::max<int64_t>(1, std::llround(double(width) * shrink));
    const torch::Tensor pictures =
        torch::adaptive_avg_pool2d((weight * kept).view({units, channels, height, width}).mean(1, /*keepdim=*/true),
                                   {s.neuronHeight, s.neuronWidth})
            .view({units, s.neuronHeight * s.neuronWidth});
    const torch::Tensor scales = std::get<0>(pictures.abs().max(1));
    const torch::Tensor quantised =
        (pictures / scales.clamp_min(1e-30f).unsqueeze(1) * 127.0f).round().clamp(-127, 127).to(torch::kChar);
    s.neuronWeights = toVector<int8_t>(quantised);
    s.neuronScales = toVector<float>(scales);
}

} // namespace

std::vector<LayerSnapshot> snapshotLayers(torch::nn::Module& model, const MaskSet* masks, int bins, int64_t maxCells,
                                          const std::vector<int64_t>& inputShape, int64_t maxNeuronSide)
{
    if (bins < 1 || maxCells < 1 || maxNeuronSide < 1)
        throw std::invalid_argument("snapshot needs at least one bin and one cell");
    torch::NoGradGuard noGrad;
    std::vector<LayerSnapshot> layers;
    for (const auto& [name, param] : prunableParameters(model)) {
        const torch::Tensor weight = param.detach().to(torch::kCPU, torch::kFloat);
        const torch::Tensor kept = masks != nullptr && masks->contains(name)
                                       ? masks->mask(name).to(torch::kCPU, torch::kFloat)
                                       : (weight != 0).to(torch::kFloat);
        LayerSnapshot s;
        s.name = name;
        s.shape = weight.sizes().vec();
        s.total = weight.numel();
        s.nonzero = (weight != 0).sum().item<int64_t>();
        s.sparsity = 1.0 - kept.sum().item<double>() / double(std::max<int64_t>(1, s.total));

        const torch::Tensor alive = weight.masked_select(weight != 0);
        if (alive.numel() > 0) {
            s.histogramMin = alive.min().item<double>();
            s.histogramMax = alive.max().item<double>();
            if (s.histogramMax <= s.histogramMin)
                s.histogramMax = s.histogramMin + 1e-6;
            const torch::Tensor h = torch::histc(alive, bins, s.histogramMin, s.histogramMax).to(torch::kLong);
            s.histogram.assign(h.data_ptr<int64_t>(), h.data_ptr<int64_t>() + bins);
        } else {
            s.histogram.assign(size_t(bins), 0);
        }

        // Downsample the kept pattern by averaging blocks: adaptive pooling does exactly that.
        // A convolution small enough keeps every weight (filters × inputs·kh·kw), so that it can be drawn as a grid of
        // kernels; a larger one, and every linear layer, is averaged down to at most maxCells × maxCells.
        const torch::Tensor matrix = asMatrix(kept);
        const bool wholeKernels = kept.dim() == 4 && kept.numel() <= 4 * maxCells * maxCells;
        s.maskRows = wholeKernels ? matrix.size(0) : std::min<int64_t>(matrix.size(0), maxCells);
        s.maskCols = wholeKernels ? matrix.size(1) : std::min<int64_t>(matrix.size(1), maxCells);
        const torch::Tensor cells =
            torch::adaptive_avg_pool2d(matrix.unsqueeze(0).unsqueeze(0), {s.maskRows, s.maskCols})
                .flatten()
                .contiguous();
        s.maskImage.assign(cells.data_ptr<float>(), cells.data_ptr<float>() + cells.numel());
        if (!wholeKernels)
            orderByKeptShare(matrix, s);
        if (layers.empty() && inputShape.size() == 3 && kept.dim() == 2 &&
            kept.size(1) == inputShape[0] * inputShape[1] * inputShape[2])
            mapInputs(weight, kept, inputShape, maxNeuronSide, s);
        layers.push_back(std::move(s));
    }
    return layers;
}

double linearCka(const torch::Tensor& x, const torch::Tensor& y)
{
    if (x.size(0) != y.size(0) || x.size(0) < 2)
        throw std::invalid_argument("CKA needs the same inputs (at least two) on both sides");
    torch::NoGradGuard noGrad;
    const auto gram = [](const torch::Tensor& t) {
        torch::Tensor flat = t.reshape({t.size(0), -1}).to(torch::kCPU, torch::kDouble);
        flat = flat - flat.mean(0, /*keepdim=*/true);
        return flat.mm(flat.t()); // n×n: cheap however wide the layer is
    };
    const torch::Tensor kx = gram(x);
    const torch::Tensor ky = gram(y);
    const double denominator = kx.norm().item<double>() * ky.norm().item<double>();
    return denominator > 0.0 ? (kx * ky).sum().item<double>() / denominator : 0.0;
}

ModelCost measureCost(ClassifierImpl& model, int64_t channels, int64_t height, int64_t width)
{
    torch::NoGradGuard noGrad;
    ModelCost cost;
    for (const auto& p : model.parameters()) {
        cost.parameters += p.numel();
        cost.nonzeroParameters += (p != 0).sum().item<int64_t>();
    }
    cost.denseBytes = cost.parameters * int64_t(sizeof(float));
    cost.sparseBytes = cost.denseBytes;
    const auto prunable = prunableParameters(model);
    const std::vector<int64_t> positions = model.positionsPerWeight(channels, height, width);
    for (size_t i = 0; i < prunable.size(); ++i) {
        const torch::Tensor& w = prunable[i].second;
        const int64_t nonzero = (w != 0).sum().item<int64_t>();
        const int64_t at = i < positions.size() ? positions[i] : 1;
        cost.denseMacs += w.numel() * at;
        cost.remainingMacs += nonzero * at;
        const int64_t rows = w.size(0);
        const int64_t csr = nonzero * int64_t(sizeof(float) + sizeof(int32_t)) + (rows + 1) * int64_t(sizeof(int32_t));
        cost.sparseBytes += csr - w.numel() * int64_t(sizeof(float));
    }
    return cost;
}

} // namespace prunelab::engine
