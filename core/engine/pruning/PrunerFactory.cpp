#include "core/engine/pruning/PrunerFactory.h"

#include "core/engine/pruning/GraspPruner.h"
#include "core/engine/pruning/MagnitudePruners.h"
#include "core/engine/pruning/NmPruner.h"
#include "core/engine/pruning/RandomPruner.h"
#include "core/engine/pruning/SnipPruner.h"
#include "core/engine/pruning/SynflowPruner.h"
#include "core/engine/structured/IntervalAdjointPruner.h"
#include "core/engine/structured/NeuronNormPruner.h"
#include "core/engine/structured/NeuronTaylorPruner.h"

#include <stdexcept>
#include <string>

namespace prunelab::engine {

namespace {

std::pair<torch::Tensor, torch::Tensor> draw(const MethodInfo& method, const PrunerSettings& settings, int64_t count)
{
    if (!settings.calibration)
        throw std::invalid_argument(std::string(method.name) + " scores weights on training images: it needs them");
    return settings.calibration(count);
}

} // namespace

std::shared_ptr<const Pruner> makePruner(const MethodInfo& method, const PrunerSettings& settings)
{
    switch (method.id) {
    case MethodId::Threshold:
        return std::make_shared<ThresholdPruner>(settings.threshold);
    case MethodId::GlobalMagnitude:
        return std::make_shared<GlobalMagnitudePruner>();
    case MethodId::LayerMagnitude:
        return std::make_shared<LayerMagnitudePruner>();
    case MethodId::Random:
        return std::make_shared<RandomPruner>(settings.seed);
    case MethodId::Snip: { // connection sensitivity on one seeded random batch of training data
        const auto [images, labels] = draw(method, settings, settings.snipImages);
        return std::make_shared<SnipPruner>(images, labels);
    }
    case MethodId::Synflow: // data-free: the model's input shape only
        return std::make_shared<SynflowPruner>(settings.inputShape,
                                               int(settings.parameters.at("synflow_iterations").at(0)));
    case MethodId::Grasp: { // the same seeded batch SNIP draws
        const auto [images, labels] = draw(method, settings, settings.snipImages);
        return std::make_shared<GraspPruner>(images, labels);
    }
    case MethodId::Annealed: {
        AnnealOptions anneal = settings.anneal;
        anneal.seed = settings.seed;
        return std::make_shared<AnnealedPruner>(anneal);
    }
    case MethodId::NmMagnitude: {
        const std::vector<double>& nm = settings.parameters.at("nm");
        return std::make_shared<NmPruner>(int(nm.at(0)), int(nm.at(1)));
    }
    case MethodId::NeuronL1:
        return std::make_shared<NeuronNormPruner>(1);
    case MethodId::NeuronTaylor: {
        const auto [images, labels] = draw(method, settings, settings.calibrationImages);
        return std::make_shared<NeuronTaylorPruner>(images, labels);
    }
    case MethodId::IntervalAdjoint: {
        const auto [images, labels] = draw(method, settings, settings.calibrationImages);
        return std::make_shared<IntervalAdjointPruner>(images, labels, settings.adjoint);
    }
    }
    throw std::invalid_argument(std::string("prune.method ") + method.name + " has no pruner in this build");
}

} // namespace prunelab::engine
