#include "core/engine/models/GraphNet.h"

#include <torch/torch.h>

#include <algorithm>
#include <set>
#include <stdexcept>

namespace prunelab::engine {

namespace {

bool ownsModule(ForwardStep::Kind kind)
{
    return kind == ForwardStep::Kind::Conv2d || kind == ForwardStep::Kind::BatchNorm2d ||
           kind == ForwardStep::Kind::Linear;
}

} // namespace

GraphNetImpl::GraphNetImpl(std::vector<ForwardStep> steps, const InitOptions& init) : steps_(std::move(steps))
{
    if (steps_.empty())
        throw std::invalid_argument("a graph network needs at least one step");
    const size_t n = steps_.size();
    convs_.assign(n, nullptr);
    norms_.assign(n, nullptr);
    linears_.assign(n, nullptr);
    lastUse_.resize(n);
    std::set<std::string> modules;
    for (size_t i = 0; i < n; ++i) {
        ForwardStep& s = steps_[i];
        lastUse_[i] = i;
        const std::string where = "graph step " + std::to_string(i) + (s.module.empty() ? "" : " (" + s.module + ")");
        if ((s.kind == ForwardStep::Kind::Add || s.kind == ForwardStep::Kind::Concat) && s.inputs.size() < 2)
            throw std::invalid_argument(where + ": an addition or concatenation needs at least two inputs");
        for (int in : stepInputs(steps_, i)) {
            if (in >= int(i) || in < -1)
                throw std::invalid_argument(where + ": reads step " + std::to_string(in) + ", not an earlier one");
            if (in >= 0)
                lastUse_[size_t(in)] = std::max(lastUse_[size_t(in)], i);
        }
        if (!ownsModule(s.kind))
            continue;
        if (s.module.empty() || !modules.insert(s.module).second)
            throw std::invalid_argument(where + ": a layer needs a name of its own");
        if (s.inChannels < 1 || (s.kind != ForwardStep::Kind::BatchNorm2d && s.outChannels < 1))
            throw std::invalid_argument(where + ": a layer needs its channel counts");
        std::string leaf;
        torch::nn::Module& parent = parentOf(s.module, leaf);
        switch (s.kind) {
        case ForwardStep::Kind::Conv2d:
            convs_[i] = parent.register_module(
                leaf, torch::nn::Conv2d(torch::nn::Conv2dOptions(s.inChannels, s.outChannels, s.kernel)
                                            .stride(s.stride)
                                            .padding(s.padding)
                                            .bias(s.bias)));
            break;
        case ForwardStep::Kind::BatchNorm2d:
            norms_[i] = parent.register_module(
                leaf, torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(s.inChannels).eps(s.eps)));
            break;
        default:
            linears_[i] = parent.register_module(
                leaf, torch::nn::Linear(torch::nn::LinearOptions(s.inChannels, s.outChannels).bias(s.bias)));
            break;
        }
    }
    initialiseWeights(*this, init);
}

torch::nn::Module& GraphNetImpl::parentOf(const std::string& path, std::string& leaf)
{
    torch::nn::Module* parent = this;
    std::string prefix;
    size_t begin = 0;
    for (size_t dot = path.find('.'); dot != std::string::npos; dot = path.find('.', begin)) {
        const std::string part = path.substr(begin, dot - begin);
        prefix += (prefix.empty() ? "" : ".") + part;
        auto& container = containers_[prefix];
        if (!container)
            container = parent->register_module(part, std::make_shared<torch::nn::Module>());
        parent = container.get();
        begin = dot + 1;
    }
    leaf = path.substr(begin);
    return *parent;
}

torch::Tensor GraphNetImpl::run(torch::Tensor input, const std::function<torch::Tensor(size_t, torch::Tensor)>& visit)
{
    std::vector<torch::Tensor> values(steps_.size());
    const auto read = [&](int step) -> const torch::Tensor& { return step < 0 ? input : values[size_t(step)]; };
    for (size_t i = 0; i < steps_.size(); ++i) {
        const ForwardStep& s = steps_[i];
        const std::vector<int> reads = stepInputs(steps_, i);
        const torch::Tensor& x = read(reads.front());
        torch::Tensor y;
        switch (s.kind) {
        case ForwardStep::Kind::Flatten:
            y = x.flatten(1);
            break;
        case ForwardStep::Kind::Relu:
            y = torch::relu(x);
            break;
        case ForwardStep::Kind::Linear:
            y = linears_[i]->forward(x);
            break;
        case ForwardStep::Kind::Conv2d:
            y = convs_[i]->forward(x);
            break;
        case ForwardStep::Kind::BatchNorm2d:
            y = norms_[i]->forward(x);
            break;
        case ForwardStep::Kind::MaxPool2d:
            y = torch::max_pool2d(x, s.kernel, s.stride, s.padding);
            break;
        case ForwardStep::Kind::AvgPool2d:
            y = torch::avg_pool2d(x, s.kernel, s.stride);
            break;
        case ForwardStep::Kind::GlobalAvgPool:
            y = torch::adaptive_avg_pool2d(x, {1, 1});
            break;
        case ForwardStep::Kind::Add:
            y = x + read(reads[1]);
            for (size_t k = 2; k < reads.size(); ++k)
                y = y + read(reads[k]);
            break;
        case ForwardStep::Kind::Concat: {
            std::vector<torch::Tensor> parts;
            for (int r : reads)
                parts.push_back(read(r));
            y = torch::cat(parts, 1);
            break;
        }
        }
        if (visit)
            y = visit(i, std::move(y));
        values[i] = std::move(y);
        for (int r : reads) // a value nobody reads any more is released at once (DenseNet's concatenations add up)
            if (r >= 0 && lastUse_[size_t(r)] == i)
                values[size_t(r)] = torch::Tensor();
    }
    return values.back();
}

torch::Tensor GraphNetImpl::forward(torch::Tensor input)
{
    return run(std::move(input), {});
}

std::vector<size_t> GraphNetImpl::prunableSteps()
{
    std::vector<size_t> owners;
    for (const auto& item : named_parameters(/*recurse=*/true)) {
        if (item.value().dim() < 2)
            continue;
        const std::string name = item.key().substr(0, item.key().rfind('.'));
        const auto step = std::find_if(steps_.begin(), steps_.end(),
                                       [&](const ForwardStep& s) { return ownsModule(s.kind) && s.module == name; });
        if (step == steps_.end())
            throw std::logic_error("graph network: no step owns " + item.key());
        owners.push_back(size_t(step - steps_.begin()));
    }
    return owners;
}

std::vector<size_t> GraphNetImpl::activationSteps()
{
    // A layer's activation is its output after what only it feeds: its batch norm and ReLU (ResNet's first conv of a
    // block); a conv whose output goes on into an addition or concatenation is recorded as it leaves those.
    std::vector<size_t> readers(steps_.size(), 0);
    std::vector<size_t> onlyReader(steps_.size(), 0);
    for (size_t i = 0; i < steps_.size(); ++i)
        for (int r : stepInputs(steps_, i))
            if (r >= 0) {
                ++readers[size_t(r)];
                onlyReader[size_t(r)] = i;
            }
    std::vector<size_t> at = prunableSteps();
    for (size_t& step : at)
        while (readers[step] == 1 && (steps_[onlyReader[step]].kind == ForwardStep::Kind::BatchNorm2d ||
                                      steps_[onlyReader[step]].kind == ForwardStep::Kind::Relu))
            step = onlyReader[step];
    return at;
}

std::vector<torch::Tensor> GraphNetImpl::activations(torch::Tensor input)
{
    const std::vector<size_t> at = activationSteps();
    std::map<size_t, size_t> recordAt; // step whose output is recorded → position in the result
    for (size_t k = 0; k < at.size(); ++k)
        recordAt[at[k]] = k;
    std::vector<torch::Tensor> outputs(at.size());
    run(std::move(input), [&](size_t step, torch::Tensor y) {
        const auto found = recordAt.find(step);
        if (found != recordAt.end())
            outputs[found->second] = y;
        return y;
    });
    return outputs;
}

std::vector<size_t> GraphNetImpl::probedSteps()
{
    std::vector<size_t> owners = prunableSteps();
    owners.pop_back(); // the output layer
    return owners;
}

torch::Tensor GraphNetImpl::forwardProbed(torch::Tensor input, const LayerProbe& probe)
{
    std::vector<size_t> at = activationSteps();
    at.pop_back(); // the logits
    std::map<size_t, size_t> probeAt;
    for (size_t k = 0; k < at.size(); ++k)
        probeAt[at[k]] = k;
    return run(std::move(input), [&](size_t step, torch::Tensor y) {
        const auto found = probeAt.find(step);
        return found == probeAt.end() ? y : probe(found->second, y);
    });
}

std::vector<std::vector<int64_t>> GraphNetImpl::stepShapes(int64_t channels, int64_t height, int64_t width)
{
    torch::NoGradGuard noGrad;
    const bool wasTraining = is_training();
    eval(); // batch norm must not update its running statistics on the dummy input
    const torch::Device device = parameters().empty() ? torch::Device(torch::kCPU) : parameters().front().device();
    std::vector<std::vector<int64_t>> shapes(steps_.size());
    run(torch::zeros({1, channels, height, width}, torch::TensorOptions().device(device)),
        [&](size_t step, torch::Tensor y) {
            const auto sizes = y.sizes();
            shapes[step].assign(sizes.begin() + 1, sizes.end());
            return y;
        });
    train(wasTraining);
    return shapes;
}

std::vector<int64_t> GraphNetImpl::positionsPerWeight(int64_t channels, int64_t height, int64_t width)
{
    const std::vector<std::vector<int64_t>> shapes = stepShapes(channels, height, width);
    std::vector<int64_t> positions;
    for (size_t step : prunableSteps())
        positions.push_back(steps_[step].kind == ForwardStep::Kind::Conv2d ? shapes[step][1] * shapes[step][2] : 1);
    return positions;
}

} // namespace prunelab::engine
