#pragma once

#include "core/engine/pruning/Pruner.h"
#include "core/engine/structured/GraphChannels.h"
#include "core/engine/structured/StructuredLayout.h"

#include <torch/types.h>

#include <vector>

namespace prunelab::engine {

/// Base of the structured methods: each scores every unit (neuron or filter) of every hidden layer, and per layer
/// the best-scoring units are kept; the rest are removed whole (weight row, bias, batch-norm scale and shift, and
/// the next layer's inputs from it). The output layer is never pruned structurally. Units removed by `current`
/// stay removed, every layer keeps at least one unit, and ties go to the lower index (deterministic).
///
/// How many units layer g keeps: `target.keepUnits[g]` when given (the geometric schedule), else
/// max(1, round((1 − target.sparsity) · units)): `sparsity` is the fraction of each layer's units removed; rounded up
/// to a multiple of `target.roundTo`. A graph network's layers are its channel groups (GraphChannels.h).
class StructuredPruner : public Pruner {
public:
    bool structured() const override { return true; }
    MaskSet computeMasks(ClassifierImpl& model, const PruneTarget& target, const MaskSet* current) const override;

    /// One score per unit of each group (float, CPU, higher = more worth keeping).
    virtual std::vector<torch::Tensor> unitScores(ClassifierImpl& model,
                                                  const std::vector<UnitGroup>& groups) const = 0;

    /// For a graph network (ResNet, DenseNet), one score per channel of each channel group (GraphChannels.h): the
    /// groups are what is kept or removed, as units are in a chain. By default the sum, over the group's producers,
    /// of unitScores of the graph's probed layers (GraphNetImpl::forwardProbed).
    virtual std::vector<torch::Tensor> channelScores(ClassifierImpl& model,
                                                     const std::vector<ChannelGroup>& groups) const;
};

/// What a calibration pass sees of each hidden unit over a set of inputs (one tensor per group, float CPU, one
/// value per unit): a_j is the unit's output after its nonlinearity (every spatial position of a filter counts),
/// g_j = ∂y/∂a_j for each input.
struct UnitCalibration {
    std::vector<torch::Tensor> activationMin, activationMax; ///< min and max of a_j
    std::vector<torch::Tensor> adjointMin, adjointMax;       ///< min and max of ∂y/∂a_j
    std::vector<torch::Tensor> taylor; ///< mean over inputs of |Σ_positions a_j·g_j / positions| (Molchanov et al.)
};

/// What y is in ∂y/∂a: the sum of the logits, or the cross-entropy loss summed over the inputs.
enum class AdjointOutput { Logits, Loss };

/// Runs `inputs` (normalised as the model sees them) through the model in eval mode in batches of `batchSize`, with
/// `labels` (int64) for AdjointOutput::Loss. The model's parameters and their .grad are left untouched.
UnitCalibration calibrateUnits(ClassifierImpl& model, const torch::Tensor& inputs, const torch::Tensor& labels,
                               AdjointOutput output, int64_t batchSize = 256);

} // namespace prunelab::engine
