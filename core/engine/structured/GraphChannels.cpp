#include "core/engine/structured/GraphChannels.h"

#include "core/engine/models/GraphNet.h"

#include <torch/torch.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <stdexcept>

namespace prunelab::engine {

namespace {

/// A run of channels of one group inside a tensor's channels.
struct Segment {
    int group = 0;
    int64_t count = 0;
};
using Layout = std::vector<Segment>;

/// Groups of channels joined by additions (union-find); a fixed group (the network's input, its logits) cannot be
/// pruned, nor anything joined to it.
struct Groups {
    std::vector<int> parent;
    std::vector<bool> fixed;
    std::vector<int64_t> size;
    int make(int64_t channels, bool isFixed)
    {
        parent.push_back(int(parent.size()));
        fixed.push_back(isFixed);
        size.push_back(channels);
        return parent.back();
    }
    int find(int g)
    {
        while (parent[size_t(g)] != g)
            g = parent[size_t(g)] = parent[size_t(parent[size_t(g)])];
        return g;
    }
    void join(int a, int b)
    {
        a = find(a), b = find(b);
        if (a == b)
            return;
        parent[size_t(b)] = a;
        fixed[size_t(a)] = fixed[size_t(a)] || fixed[size_t(b)];
    }
};

/// Every step's output layout, the groups, and which step produced/normalised/consumed which group at which offset.
struct Analysis {
    Groups groups;
    std::vector<Layout> layouts;
    struct Use {
        int group;
        ChannelUse use;
    };
    std::vector<Use> producers, norms, consumers;
};

Analysis analyse(const std::vector<ForwardStep>& steps)
{
    Analysis a;
    a.layouts.resize(steps.size());
    Layout input;
    const auto layoutOf = [&](int step) -> const Layout& {
        if (step >= 0)
            return a.layouts[size_t(step)];
        if (input.empty()) { // the network's input: as many channels as its first reader expects, never pruned
            int64_t channels = 1;
            for (const ForwardStep& s : steps)
                if ((s.inputs.empty() ? &s == &steps.front() : std::count(s.inputs.begin(), s.inputs.end(), -1) > 0) &&
                    s.inChannels > 0) {
                    channels = s.inChannels;
                    break;
                }
            input = {{a.groups.make(channels, true), channels}};
        }
        return input;
    };
    const auto uses = [&](std::vector<Analysis::Use>& into, size_t step, const Layout& layout) {
        int64_t offset = 0;
        for (const Segment& s : layout) {
            into.push_back({s.group, {step, offset}});
            offset += s.count;
        }
    };
    for (size_t i = 0; i < steps.size(); ++i) {
        const ForwardStep& s = steps[i];
        const std::vector<int> reads = stepInputs(steps, i);
        const Layout& in = layoutOf(reads.front());
        Layout out;
        switch (s.kind) {
        case ForwardStep::Kind::Conv2d:
        case ForwardStep::Kind::Linear: {
            uses(a.consumers, i, in);
            const bool logits = i + 1 == steps.size();
            const int64_t channels = s.outChannels > 0 ? s.outChannels : 0;
            out = {{a.groups.make(channels, logits), channels}};
            a.producers.push_back({out.front().group, {i, 0}});
            break;
        }
        case ForwardStep::Kind::BatchNorm2d:
            uses(a.norms, i, in);
            out = in;
            break;
        case ForwardStep::Kind::Flatten:
            if (reads.front() < 0 || steps[size_t(reads.front())].kind != ForwardStep::Kind::GlobalAvgPool)
                throw std::invalid_argument("channel groups: step " + std::to_string(i) +
                                            " flattens a feature map that is not globally pooled");
            out = in;
            break;
        case ForwardStep::Kind::Add: {
            out = in;
            for (size_t k = 1; k < reads.size(); ++k) {
                const Layout& other = layoutOf(reads[k]);
                if (other.size() != in.size())
                    throw std::invalid_argument("channel groups: the inputs of addition step " + std::to_string(i) +
                                                " do not line up channel for channel");
                for (size_t j = 0; j < in.size(); ++j) {
                    if (other[j].count != in[j].count)
                        throw std::invalid_argument("channel groups: the inputs of addition step " + std::to_string(i) +
                                                    " do not line up channel for channel");
                    a.groups.join(in[j].group, other[j].group);
                }
            }
            break;
        }
        case ForwardStep::Kind::Concat:
            for (int r : reads) {
                const Layout& part = layoutOf(r);
                out.insert(out.end(), part.begin(), part.end());
            }
            break;
        default: // ReLU and pooling keep the channels as they are
            out = in;
            break;
        }
        a.layouts[i] = out;
    }
    for (const Segment& s : a.layouts.back()) // the logits
        a.groups.fixed[size_t(a.groups.find(s.group))] = true;
    return a;
}

/// The prunable groups of an analysis, each with its union-find root (the key of its channels in the layouts).
struct Grouped {
    std::vector<ChannelGroup> groups;
    std::vector<int> roots;
};

Grouped groupsOf(Analysis& a)
{
    std::map<int, ChannelGroup> byRoot;
    for (const auto& u : a.producers) {
        const int root = a.groups.find(u.group);
        if (!a.groups.fixed[size_t(root)]) {
            byRoot[root].producers.push_back(u.use);
            byRoot[root].size = a.groups.size[size_t(u.group)];
        }
    }
    for (const auto& u : a.norms)
        if (const auto it = byRoot.find(a.groups.find(u.group)); it != byRoot.end())
            it->second.norms.push_back(u.use);
    for (const auto& u : a.consumers)
        if (const auto it = byRoot.find(a.groups.find(u.group)); it != byRoot.end())
            it->second.consumers.push_back(u.use);
    std::vector<std::pair<int, ChannelGroup>> ordered(byRoot.begin(), byRoot.end());
    // In the order of their first producer, as a reader of the network would list them.
    std::sort(ordered.begin(), ordered.end(), [](const auto& x, const auto& y) {
        return x.second.producers.front().step < y.second.producers.front().step;
    });
    Grouped result;
    for (auto& [root, group] : ordered) {
        result.roots.push_back(root);
        result.groups.push_back(std::move(group));
    }
    return result;
}

} // namespace

std::vector<ChannelGroup> channelGroups(const std::vector<ForwardStep>& steps)
{
    Analysis a = analyse(steps);
    return groupsOf(a).groups;
}

namespace {

/// The mask of every weight and bias, all ones, by name.
MaskSet onesFor(torch::nn::Module& model)
{
    MaskSet masks;
    for (const auto& item : model.named_parameters(/*recurse=*/true))
        masks.set(item.key(), torch::ones_like(item.value(), torch::TensorOptions().dtype(torch::kFloat)));
    return masks;
}

/// Zeroes channel `channel` of `group` in `masks`: producer rows (and biases), batch-norm scale and shift, consumer
/// input columns.
void removeChannel(MaskSet& masks, const std::vector<ForwardStep>& steps, const ChannelGroup& group, int64_t channel)
{
    const auto zero = [&](const std::string& name, int64_t dim, int64_t index) {
        if (masks.contains(name))
            masks.mask(name).select(dim, index).zero_();
    };
    for (const ChannelUse& p : group.producers) {
        zero(steps[p.step].module + ".weight", 0, channel);
        zero(steps[p.step].module + ".bias", 0, channel);
    }
    for (const ChannelUse& n : group.norms) {
        zero(steps[n.step].module + ".weight", 0, n.offset + channel);
        zero(steps[n.step].module + ".bias", 0, n.offset + channel);
    }
    for (const ChannelUse& c : group.consumers)
        zero(steps[c.step].module + ".weight", 1, c.offset + channel);
}

} // namespace

std::vector<torch::Tensor> producerNormScores(ClassifierImpl& model, const std::vector<ChannelGroup>& groups, int p)
{
    torch::NoGradGuard noGrad;
    const std::vector<ForwardStep> steps = model.forwardSteps();
    const auto params = model.named_parameters(/*recurse=*/true);
    std::vector<torch::Tensor> scores;
    for (const ChannelGroup& group : groups) {
        torch::Tensor score = torch::zeros({group.size}, torch::kDouble);
        for (const ChannelUse& producer : group.producers) {
            const torch::Tensor w =
                params[steps[producer.step].module + ".weight"].detach().to(torch::kCPU, torch::kDouble).flatten(1);
            score += w.norm(p, 1) / std::pow(double(w.size(1)), 1.0 / p);
        }
        scores.push_back(score.to(torch::kFloat));
    }
    return scores;
}

MaskSet channelMasks(ClassifierImpl& model, const std::vector<ChannelGroup>& groups,
                     const std::vector<torch::Tensor>& keep, const MaskSet* current)
{
    torch::NoGradGuard noGrad;
    const std::vector<ForwardStep> steps = model.forwardSteps();
    MaskSet masks = onesFor(model);
    for (size_t g = 0; g < groups.size(); ++g) {
        const torch::Tensor k = keep[g].to(torch::kCPU, torch::kFloat);
        for (int64_t c = 0; c < groups[g].size; ++c)
            if (k[c].item<float>() == 0.0f)
                removeChannel(masks, steps, groups[g], c);
    }
    if (current != nullptr)
        for (const auto& [name, mask] : current->masks())
            if (masks.contains(name))
                masks.mask(name).mul_(mask.to(masks.mask(name).device(), torch::kFloat));
    return masks;
}

std::vector<std::vector<int64_t>> keptChannels(ClassifierImpl& model, const std::vector<ChannelGroup>& groups,
                                               const MaskSet* masks)
{
    torch::NoGradGuard noGrad;
    const std::vector<ForwardStep> steps = model.forwardSteps();
    const auto params = model.named_parameters(/*recurse=*/true);
    // A parameter as the masked model has it, rows along dim 0, on the CPU.
    const auto masked = [&](const std::string& name) {
        torch::Tensor value = params[name].detach().to(torch::kCPU, torch::kFloat);
        if (masks != nullptr && masks->contains(name))
            value = value * masks->mask(name).to(torch::kCPU, torch::kFloat);
        return value;
    };
    std::vector<std::vector<int64_t>> kept;
    for (const ChannelGroup& group : groups) {
        // A channel can go only when it is exactly zero wherever it flows: its producers' rows and biases, and the
        // scale and shift of every batch norm that carries it, else a shift would still feed the next layer.
        torch::Tensor alive = torch::zeros({group.size}, torch::kBool);
        for (const ChannelUse& p : group.producers) {
            alive |= masked(steps[p.step].module + ".weight").reshape({group.size, -1}).ne(0).any(1);
            if (steps[p.step].bias)
                alive |= masked(steps[p.step].module + ".bias").ne(0);
        }
        for (const ChannelUse& n : group.norms)
            for (const char* what : {".weight", ".bias"})
                alive |= masked(steps[n.step].module + what).narrow(0, n.offset, group.size).ne(0);
        std::vector<int64_t> channels;
        for (int64_t c = 0; c < group.size; ++c)
            if (alive[c].item<bool>())
                channels.push_back(c);
        if (channels.empty())
            throw std::invalid_argument("cannot compact: every channel of the group of " +
                                        steps[group.producers.front().step].module + " is pruned");
        kept.push_back(channels);
    }
    return kept;
}

ClassifierPtr compactGraph(ClassifierImpl& model, const MaskSet& masks)
{
    if (dynamic_cast<GraphNetImpl*>(&model) == nullptr)
        throw std::logic_error("compactGraph: not a graph network");
    torch::NoGradGuard noGrad;
    std::vector<ForwardStep> steps = model.forwardSteps();
    Analysis a = analyse(steps);
    const Grouped grouped = groupsOf(a);
    const std::vector<std::vector<int64_t>> kept = keptChannels(model, grouped.groups, &masks);
    // The kept channels of each group, by its root.
    std::map<int, const std::vector<int64_t>*> keptByRoot;
    for (size_t g = 0; g < kept.size(); ++g)
        keptByRoot[grouped.roots[g]] = &kept[g];
    // Each step's input and output channel indices that survive, in the original numbering of its layouts.
    const auto survivors = [&](const Layout& layout) {
        std::vector<int64_t> index;
        int64_t offset = 0;
        for (const Segment& s : layout) {
            const auto found = keptByRoot.find(a.groups.find(s.group));
            if (found == keptByRoot.end()) {
                for (int64_t c = 0; c < s.count; ++c)
                    index.push_back(offset + c);
            } else {
                for (int64_t c : *found->second)
                    index.push_back(offset + c);
            }
            offset += s.count;
        }
        return torch::tensor(index, torch::kLong);
    };
    std::vector<torch::Tensor> inIndex(steps.size()), outIndex(steps.size());
    for (size_t i = 0; i < steps.size(); ++i) {
        const int first = stepInputs(steps, i).front();
        // The network's input channels are never pruned.
        inIndex[i] =
            first >= 0 ? survivors(a.layouts[size_t(first)]) : torch::arange(steps[i].inChannels, torch::kLong);
        outIndex[i] = survivors(a.layouts[i]);
        ForwardStep& s = steps[i];
        if (s.kind == ForwardStep::Kind::Conv2d || s.kind == ForwardStep::Kind::Linear) {
            s.inChannels = inIndex[i].numel();
            s.outChannels = outIndex[i].numel();
        } else if (s.kind == ForwardStep::Kind::BatchNorm2d) {
            s.inChannels = inIndex[i].numel();
        }
    }
    auto compact = std::make_shared<GraphNetImpl>(steps, InitOptions{});
    auto to = compact->named_parameters(/*recurse=*/true);
    auto toBuffers = compact->named_buffers(/*recurse=*/true);
    std::map<std::string, size_t> stepOf; // module name → the step that owns it
    for (size_t i = 0; i < steps.size(); ++i)
        if (!steps[i].module.empty())
            stepOf[steps[i].module] = i;
    // Every parameter and per-channel buffer of a step's module, masked, with the surviving channels only.
    const auto copy = [&](const std::string& name, torch::Tensor value) {
        const auto owner = stepOf.find(name.substr(0, name.rfind('.')));
        if (owner == stepOf.end())
            return;
        const size_t i = owner->second;
        if (masks.contains(name))
            value = value * masks.mask(name).to(value.device(), value.dtype());
        if (steps[i].kind == ForwardStep::Kind::BatchNorm2d) {
            value = value.index_select(0, inIndex[i].to(value.device())); // scale, shift, running statistics
        } else {
            value = value.index_select(0, outIndex[i].to(value.device()));
            if (value.dim() >= 2)
                value = value.index_select(1, inIndex[i].to(value.device()));
        }
        if (torch::Tensor* target = to.find(name))
            target->copy_(value);
        else if (torch::Tensor* buffer = toBuffers.find(name))
            buffer->copy_(value);
    };
    for (const auto& item : model.named_parameters(/*recurse=*/true))
        copy(item.key(), item.value().detach());
    for (const auto& item : model.named_buffers(/*recurse=*/true))
        if (item.value().dim() == 1) // not num_batches_tracked
            copy(item.key(), item.value().detach());
    const auto parameters = model.parameters();
    if (!parameters.empty())
        compact->to(parameters.front().device());
    compact->train(model.is_training());
    return compact;
}

} // namespace prunelab::engine
