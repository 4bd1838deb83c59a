#include "core/engine/structured/StructuredLayout.h"

#include <torch/torch.h>

#include <stdexcept>

namespace prunelab::engine {

std::string modulePrefix(const std::string& name)
{
    const size_t dot = name.rfind('.');
    return dot == std::string::npos ? std::string() : name.substr(0, dot);
}

std::vector<UnitGroup> unitGroups(torch::nn::Module& model)
{
    const auto params = model.named_parameters(/*recurse=*/true);
    std::vector<UnitGroup> groups;
    UnitGroup* open = nullptr; // the group whose companions are being collected
    std::vector<std::pair<std::string, torch::Tensor>> weights;
    for (const auto& item : params) {
        const torch::Tensor& p = item.value();
        if (p.dim() >= 2) {
            weights.emplace_back(item.key(), p);
            groups.push_back({item.key(), {}, {modulePrefix(item.key())}, {}, p.size(0), 1});
            open = &groups.back();
        } else if (open != nullptr && p.dim() == 1 && p.size(0) == open->units) {
            open->companions.push_back(item.key());
            const std::string prefix = modulePrefix(item.key());
            if (open->prefixes.back() != prefix)
                open->prefixes.push_back(prefix);
        }
    }
    if (groups.empty())
        return groups;
    groups.pop_back(); // the output layer is never pruned structurally
    for (size_t g = 0; g < groups.size(); ++g) {
        const torch::Tensor& next = weights[g + 1].second;
        groups[g].next = weights[g + 1].first;
        if (next.size(1) % groups[g].units != 0)
            throw std::logic_error("structured pruning: " + groups[g].weight + " has " +
                                   std::to_string(groups[g].units) + " units, which do not divide the " +
                                   std::to_string(next.size(1)) + " inputs of " + groups[g].next);
        groups[g].inputsPerUnit = next.size(1) / groups[g].units;
        if (next.dim() > 2 && groups[g].inputsPerUnit != 1)
            throw std::logic_error("structured pruning: " + groups[g].next + " does not take " + groups[g].weight +
                                   "'s filters as its input channels");
    }
    return groups;
}

torch::Tensor aliveUnits(const UnitGroup& group, const MaskSet* masks)
{
    torch::Tensor alive = torch::ones({group.units});
    if (masks == nullptr || !masks->contains(group.weight))
        return alive;
    const torch::Tensor rows = masks->mask(group.weight).to(torch::kCPU, torch::kFloat).flatten(1);
    torch::Tensor removed = rows.abs().sum(1) == 0;
    for (const std::string& companion : group.companions)
        if (masks->contains(companion))
            removed &= masks->mask(companion).to(torch::kCPU, torch::kFloat) == 0;
    return alive.masked_fill_(removed, 0.0);
}

MaskSet structuredMasks(torch::nn::Module& model, const std::vector<UnitGroup>& groups,
                        const std::vector<torch::Tensor>& keep, const MaskSet* current)
{
    if (keep.size() != groups.size())
        throw std::invalid_argument("structured masks need one keep vector per hidden layer");
    const auto params = model.named_parameters(/*recurse=*/true);
    std::map<std::string, torch::Tensor> masks;
    const auto maskFor = [&](const std::string& name) -> torch::Tensor& {
        auto it = masks.find(name);
        if (it == masks.end()) {
            const torch::Tensor* p = params.find(name);
            if (p == nullptr)
                throw std::invalid_argument("structured masks: the model has no parameter '" + name + "'");
            it = masks.emplace(name, torch::ones(p->sizes(), p->options().dtype(torch::kFloat))).first;
        }
        return it->second;
    };
    for (size_t g = 0; g < groups.size(); ++g) {
        const UnitGroup& group = groups[g];
        const torch::Tensor k = keep[g].to(torch::kFloat).flatten();
        if (k.size(0) != group.units)
            throw std::invalid_argument("structured masks: " + group.weight + " has " + std::to_string(group.units) +
                                        " units, got a keep vector of " + std::to_string(k.size(0)));
        torch::Tensor& w = maskFor(group.weight);
        std::vector<int64_t> rowShape(size_t(w.dim()), 1);
        rowShape[0] = group.units;
        w.mul_(k.to(w.device()).view(rowShape));
        for (const std::string& companion : group.companions)
            maskFor(companion).mul_(k.to(w.device()));
        torch::Tensor& next = maskFor(group.next);
        std::vector<int64_t> columnShape(size_t(next.dim()), 1);
        columnShape[1] = next.size(1);
        next.mul_(k.repeat_interleave(group.inputsPerUnit).to(next.device()).view(columnShape));
    }
    MaskSet result;
    for (auto& [name, mask] : masks) {
        if (current != nullptr && current->contains(name))
            mask.mul_(current->mask(name).to(mask.device(), mask.scalar_type()));
        result.set(name, mask);
    }
    // Masks of the current set that this one does not touch (other layers) carry over unchanged.
    if (current != nullptr)
        for (const auto& [name, mask] : current->masks())
            if (!result.contains(name))
                result.set(name, mask);
    return result;
}

UnitCounts countUnits(torch::nn::Module& model, const MaskSet* masks)
{
    torch::NoGradGuard noGrad;
    UnitCounts counts;
    for (const auto& [name, weight] : prunableParameters(model)) {
        torch::Tensor w = weight.detach().to(torch::kCPU);
        if (masks != nullptr && masks->contains(name))
            w = w * masks->mask(name).to(torch::kCPU, w.scalar_type());
        counts.layers.push_back(name);
        counts.total.push_back(w.size(0));
        counts.alive.push_back((w.flatten(1).abs().sum(1) != 0).sum().item<int64_t>());
    }
    return counts;
}

} // namespace prunelab::engine
