#include "core/engine/structured/NeuronTaylorPruner.h"

#include <torch/torch.h>

#include <stdexcept>

namespace prunelab::engine {

NeuronTaylorPruner::NeuronTaylorPruner(torch::Tensor inputs, torch::Tensor labels)
    : inputs_(std::move(inputs)), labels_(std::move(labels))
{
    if (!inputs_.defined() || inputs_.size(0) == 0 || !labels_.defined() || inputs_.size(0) != labels_.size(0))
        throw std::invalid_argument("neuron-taylor needs a non-empty calibration set with one label per input");
}

std::vector<torch::Tensor> NeuronTaylorPruner::unitScores(ClassifierImpl& model,
                                                          const std::vector<UnitGroup>& groups) const
{
    (void)groups;
    return calibrateUnits(model, inputs_, labels_, AdjointOutput::Loss).taylor;
}

} // namespace prunelab::engine
