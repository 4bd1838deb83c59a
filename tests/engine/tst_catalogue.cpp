// The method catalogue (every name a recipe can use, built into a pruner) and the N:M semi-structured method.
#include "EngineTest.h"

#include "core/engine/models/LeNet5.h"
#include "core/engine/models/Mlp.h"
#include "core/engine/pruning/MethodCatalogue.h"
#include "core/engine/pruning/NmPruner.h"
#include "core/engine/pruning/PrunerFactory.h"

#include <torch/torch.h>

#include <set>
#include <stdexcept>

using namespace prunelab::engine;

namespace {

/// Every row of `weight` grouped along the input dimension as NmPruner groups it: [rows, groups, m].
torch::Tensor groupsOf(const torch::Tensor& t, int m)
{
    const torch::Tensor rows = t.dim() == 2 ? t : t.permute({0, 2, 3, 1}).reshape({-1, t.size(1)});
    return rows.reshape({rows.size(0), rows.size(1) / m, m});
}

PrunerSettings withData()
{
    PrunerSettings s;
    s.calibrationImages = 16;
    s.snipImages = 16;
    s.inputShape = {1, 28, 28};
    s.calibration = [](int64_t count) {
        return std::pair{torch::randn({count, 1, 28, 28}), torch::randint(0, 10, {count}, torch::kLong)};
    };
    return s;
}

} // namespace

TEST_CASE("every catalogue name is unique, found by name, and builds its pruner")
{
    std::set<std::string> names;
    for (const MethodInfo& m : methods()) {
        VERIFY(names.insert(m.name).second);
        VERIFY(findMethod(m.name) == &m);
        VERIFY(std::string(m.summary).size() > 10);
        const std::shared_ptr<const Pruner> pruner = makePruner(m, withData());
        VERIFY(pruner != nullptr);
        VERIFY_EQ(pruner->structured(), m.structured);
        VERIFY_EQ(pruner->sweepsThresholds(), m.sweepsThresholds);
    }
    for (const ScheduleInfo& s : schedules()) {
        VERIFY(names.insert(s.name).second); // no schedule shares a name with a method either
        VERIFY(findSchedule(s.name) == &s);
    }
    VERIFY(findMethod("magic") == nullptr);
    VERIFY(findSchedule("cyclic") == nullptr);
    VERIFY_THROWS(method("magic"));
    VERIFY_THROWS(schedule("cyclic"));
    VERIFY(std::string(defaultMethod().name) == "global-magnitude");
    VERIFY(std::string(defaultSchedule().name) == "one-shot");
    VERIFY(orList({"a", "b", "c"}) == "a, b or c");
}

TEST_CASE("methods that score on data refuse to be built without it")
{
    for (const MethodInfo& m : methods())
        if (m.id == MethodId::Snip || m.id == MethodId::Grasp || m.id == MethodId::NeuronTaylor ||
            m.id == MethodId::IntervalAdjoint)
            VERIFY_THROWS(makePruner(m, PrunerSettings{}));
    // SynFlow is data-free: built with the input shape alone, never asking for images.
    PrunerSettings dataFree;
    dataFree.inputShape = {1, 28, 28};
    dataFree.calibration = [](int64_t) -> std::pair<torch::Tensor, torch::Tensor> {
        throw std::logic_error("synflow asked for training images");
    };
    VERIFY(makePruner(method("synflow"), dataFree) != nullptr);
    VERIFY_THROWS(makePruner(method("synflow"), PrunerSettings{})); // but it needs the input shape
}

TEST_CASE("the plan counts rounds and epochs as each schedule runs them")
{
    // trainEpochs 10, fineTune 2, rounds 5, 3 sweep values, 4 prunable layers
    const auto count = [](const char* name) { return countPlan(schedule(name), 10, 2, 5, 3, 4); };
    VERIFY_EQ(count("none").rounds, 0);
    VERIFY_EQ(count("none").epochs, 10);
    VERIFY_EQ(count("one-shot").rounds, 1);
    VERIFY_EQ(count("one-shot").epochs, 12);
    VERIFY_EQ(count("iterative").epochs, 20);
    VERIFY_EQ(count("geometric").rounds, 5);
    VERIFY_EQ(count("lottery").epochs, 60); // every round retrains for the full epochs
    VERIFY_EQ(count("sweep").rounds, 3);
    VERIFY_EQ(count("sweep").epochs, 16);
    VERIFY_EQ(count("layer-by-layer").rounds, 4);
    VERIFY_EQ(count("layer-by-layer").epochs, 18);
    VERIFY_EQ(count("at-init").rounds, 3);
    VERIFY_EQ(count("at-init").epochs, 40); // the dense baseline, then each sparse network trained from θ0
    // gradual: one round per epoch after the dense ones, the pruning inside the 10 epochs
    VERIFY_EQ(countPlan(schedule("gradual"), 10, 2, 5, 3, 4, 3).rounds, 7);
    VERIFY_EQ(countPlan(schedule("gradual"), 10, 2, 5, 3, 4, 3).epochs, 10);
    // sensitivity: every layer at every sparsity, no fine-tuning
    VERIFY_EQ(count("sensitivity").rounds, 12);
    VERIFY_EQ(count("sensitivity").epochs, 10);
}

TEST_CASE("2:4 keeps exactly the 2 largest |w| of every group of 4 input weights, conv and linear")
{
    torch::manual_seed(3);
    for (const auto& [n, m] : std::vector<std::pair<int, int>>{{2, 4}, {1, 4}, {4, 8}}) {
        LeNet5 net(LeNet5Options{1, 28, 28, 10, {}, {8, 16, 120, 88}}); // conv2, fc1, fc2, fc3 inputs divide by 8
        const MaskSet masks = NmPruner(n, m).computeMasks(*net, {0.9}, nullptr); // the target does not matter
        int checkedLayers = 0;
        for (auto& [name, weight] : prunableParameters(*net)) {
            const torch::Tensor mask = masks.mask(name);
            VERIFY(mask.sizes() == weight.sizes());
            if (weight.size(1) % m != 0) { // conv1 has one input channel: a group of one keeps its weight
                VERIFY_EQ(mask.sum().item<double>(), double(mask.numel()));
                continue;
            }
            ++checkedLayers;
            const torch::Tensor kept = groupsOf(mask, m);
            VERIFY(kept.sum(2).eq(n).all().item<bool>());
            const torch::Tensor w = groupsOf(weight.detach().abs(), m);
            const torch::Tensor smallestKept = w.masked_fill(kept == 0, 1e9).amin(2);
            const torch::Tensor largestPruned = w.masked_fill(kept == 1, -1.0).amax(2);
            VERIFY(smallestKept.ge(largestPruned).all().item<bool>());
        }
        VERIFY_EQ(checkedLayers, 4);
        VERIFY_NEAR(masks.sparsity(), 1.0 - double(n) / m, 0.01); // conv1's 200 weights stay
    }
}

TEST_CASE("N:M keeps what earlier rounds pruned pruned, and refuses n >= m")
{
    Mlp mlp(MlpOptions{8, {4}, 2});
    MaskSet current;
    for (auto& [name, weight] : prunableParameters(*mlp)) {
        torch::Tensor mask = torch::ones_like(weight);
        mask.view(-1)[0] = 0; // the first weight of each layer was pruned before
        current.set(name, mask);
    }
    const MaskSet masks = NmPruner(2, 4).computeMasks(*mlp, {}, &current);
    for (const auto& [name, mask] : masks.masks()) {
        VERIFY_EQ(mask.view(-1)[0].item<double>(), 0.0);
        VERIFY(groupsOf(mask, 4).sum(2).le(2).all().item<bool>());
    }
    VERIFY_THROWS(NmPruner(4, 4));
    VERIFY_THROWS(NmPruner(0, 4));
    VERIFY_THROWS(NmPruner(2, 65));
}

ENGINE_TEST_MAIN()
