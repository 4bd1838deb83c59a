#pragma once

#include "core/engine/models/Classifier.h"
#include "core/engine/pruning/MaskSet.h"

#include <vector>

namespace prunelab::engine {

/// Where one layer meets a group's channels: `step` (a graph step index) indexes them from `offset` in its input
/// (a consumer, a batch norm) or in its output rows (a producer: offset 0).
struct ChannelUse {
    size_t step = 0;
    int64_t offset = 0;
};

/// Channels of a graph network that can only be removed together (the dependency graph of Torch-Pruning): the
/// outputs of every convolution tied by a residual addition, the batch norms that carry them, and every layer that
/// reads them, a concatenation passing on its inputs' channels at their offsets. Removing channel c of a group
/// removes row c of each producer, channel offset+c of each batch norm (scale and shift, so the channel is exactly
/// zero wherever it flows) and input channel offset+c of each consumer.
struct ChannelGroup {
    int64_t size = 0;
    std::vector<ChannelUse> producers; ///< Conv2d or hidden Linear steps whose output channels these are
    std::vector<ChannelUse> norms;     ///< BatchNorm2d steps that normalise them
    std::vector<ChannelUse> consumers; ///< Conv2d and Linear steps that read them
};

/// The prunable channel groups of a graph (steps with edges, as GraphNet runs them). The network's input channels
/// and its output (the logits) are in no group. Throws std::invalid_argument for an addition whose inputs do not
/// line up channel for channel, or a flatten that does not follow global average pooling.
std::vector<ChannelGroup> channelGroups(const std::vector<ForwardStep>& steps);

/// One score per channel of each group: the p-norm of each producer's filter for that channel, divided by the
/// p-th root of the filter's size (so a 1×1 shortcut and a 3×3 conv weigh alike), summed over the producers.
std::vector<torch::Tensor> producerNormScores(ClassifierImpl& model, const std::vector<ChannelGroup>& groups, int p);

/// Masks removing, in each group, the channels marked 0 in `keep[g]` (see ChannelGroup), multiplied with `current`
/// where it masks the same parameter. Every weight and bias of the model gets a mask.
MaskSet channelMasks(ClassifierImpl& model, const std::vector<ChannelGroup>& groups,
                     const std::vector<torch::Tensor>& keep, const MaskSet* current);

/// For each group, the channels `masks` keeps: those not exactly zero wherever they flow (a producer row or bias, or
/// a batch norm's scale or shift, still non-zero). Without masks, all of them.
std::vector<std::vector<int64_t>> keptChannels(ClassifierImpl& model, const std::vector<ChannelGroup>& groups,
                                               const MaskSet* masks);

/// A dense, physically smaller GraphNet without the channels `masks` removes (see ChannelGroup), the weights copied
/// with the masks applied. Its outputs equal the masked model's up to float rounding. Throws std::logic_error when
/// `model` is not a GraphNet.
ClassifierPtr compactGraph(ClassifierImpl& model, const MaskSet& masks);

} // namespace prunelab::engine
