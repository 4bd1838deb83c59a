#pragma once

#include "core/engine/models/Classifier.h"
#include "core/engine/pruning/MaskSet.h"

#include <string>
#include <vector>

namespace prunelab::engine {

/// One hidden prunable layer seen as units (neurons of a linear layer, filters of a convolution): what structured
/// pruning removes whole. Derived from the parameter names and order, assuming the prunable layers form a chain
/// (each hidden layer's output feeds the next prunable layer), as in Mlp, LeNet5 and Vgg.
struct UnitGroup {
    std::string weight;                  ///< `layers.0.weight`: row j holds unit j's incoming weights
    std::vector<std::string> companions; ///< 1-D parameters indexed by unit: bias, batch-norm scale and shift
    std::vector<std::string> prefixes;   ///< module names whose parameters and buffers are indexed by unit
    std::string next;                    ///< the next prunable weight, whose inputs are this layer's outputs
    int64_t units = 0;
    int64_t inputsPerUnit = 1; ///< columns of `next` per unit (H·W when a conv stack is flattened into a linear layer)
};

/// The hidden prunable layers of `model` in order; the output layer is never a group. Throws std::logic_error when
/// a layer's output does not divide evenly into the next layer's inputs.
std::vector<UnitGroup> unitGroups(torch::nn::Module& model);

/// The module name of a parameter or buffer name (`features.1` for `features.1.running_mean`).
std::string modulePrefix(const std::string& name);

/// 1 for each unit of `group` still alive under `masks`, 0 for each removed one (float, CPU). A unit is removed
/// when its weight row is masked entirely and every companion present in `masks` is masked at it; without masks
/// (or a group the masks do not cover) every unit is alive.
torch::Tensor aliveUnits(const UnitGroup& group, const MaskSet* masks);

/// Structured masks keeping the units marked 1 in `keep[g]` (one float 0/1 tensor per group): whole rows of the
/// group's weight, its companions, and the matching input columns of the next layer (the output layer included).
/// Multiplied with `current` where it has the same parameter, so earlier unstructured zeros stay.
MaskSet structuredMasks(torch::nn::Module& model, const std::vector<UnitGroup>& groups,
                        const std::vector<torch::Tensor>& keep, const MaskSet* current);

/// Units alive in each prunable layer (hidden layers under `masks`, or non-zero rows of the weights without them;
/// the output layer's units last), and how many each layer has.
struct UnitCounts {
    std::vector<std::string> layers;
    std::vector<int64_t> alive;
    std::vector<int64_t> total;
};
UnitCounts countUnits(torch::nn::Module& model, const MaskSet* masks);

} // namespace prunelab::engine
