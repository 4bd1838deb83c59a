#pragma once

#include "core/engine/models/Classifier.h"
#include "core/engine/pruning/MaskSet.h"
#include "core/engine/training/Normalizer.h"

#include <string>
#include <vector>

namespace torch::jit {
struct Module;
}

namespace prunelab::engine {

/// Builds a self-contained TorchScript module from `model` (parameters and buffers copied to the CPU, a `define`d
/// forward, no PruneLab code needed to run it): input N×C×H×W float pixels in [0, 1], the normalisation of
/// `normalizer` applied inside, logits out, eval mode (batch norm uses its running statistics). Attributes:
/// `class_names` (List[str]) and `input_shape` (List[int], {C, H, W}). Throws std::logic_error for an architecture
/// without forwardSteps(), std::invalid_argument for a normaliser or input shape that does not fit.
torch::jit::Module toTorchScript(ClassifierImpl& model, const Normalizer& normalizer,
                                 const std::vector<std::string>& classNames, const std::vector<int64_t>& inputShape);

/// Writes the `torchscript` (compact = false: the model as it is, masked weights as zeros) or `compact-torchscript`
/// (compact = true: the physically smaller model of compactModel()) export of ../shared/CLI.md to `path`.
/// For the compact form the removed units come from `masks`, or, without masks, from the weights themselves (a unit
/// whose weights, bias and batch-norm scale and shift are all zero). Throws std::runtime_error when the file
/// cannot be written.
void exportTorchScript(ClassifierImpl& model, const Normalizer& normalizer, const std::vector<std::string>& classNames,
                       const std::vector<int64_t>& inputShape, const std::string& path, bool compact,
                       const MaskSet* masks = nullptr);

/// Masks that mark every exactly-zero prunable weight and 1-D parameter as pruned (for compacting a saved model).
MaskSet masksFromZeros(torch::nn::Module& model);

} // namespace prunelab::engine
