#pragma once

#include "core/engine/models/Classifier.h"

#include <string>
#include <vector>

namespace prunelab::engine {

/// Writes a graph description (ForwardSteps with explicit inputs) one step at a time: each call appends a step reading
/// the steps it is given and returns the new step's index, so a builder reads like the network's forward pass.
/// -1 stands for the network's input.
class GraphBuilder {
public:
    int conv(const std::string& module, int from, int64_t in, int64_t out, int64_t kernel, int64_t stride,
             int64_t padding, bool bias = false)
    {
        ForwardStep s = step(ForwardStep::Kind::Conv2d, {from}, module);
        s.inChannels = in;
        s.outChannels = out;
        s.kernel = kernel;
        s.stride = stride;
        s.padding = padding;
        s.bias = bias;
        return push(s);
    }
    int norm(const std::string& module, int from, int64_t channels)
    {
        ForwardStep s = step(ForwardStep::Kind::BatchNorm2d, {from}, module);
        s.inChannels = channels;
        return push(s);
    }
    int relu(int from) { return push(step(ForwardStep::Kind::Relu, {from})); }
    int maxPool(int from, int64_t kernel, int64_t stride, int64_t padding)
    {
        ForwardStep s = step(ForwardStep::Kind::MaxPool2d, {from});
        s.kernel = kernel;
        s.stride = stride;
        s.padding = padding;
        return push(s);
    }
    int avgPool(int from, int64_t kernel, int64_t stride)
    {
        ForwardStep s = step(ForwardStep::Kind::AvgPool2d, {from});
        s.kernel = kernel;
        s.stride = stride;
        return push(s);
    }
    int add(int a, int b) { return push(step(ForwardStep::Kind::Add, {a, b})); }
    int concat(int a, int b) { return push(step(ForwardStep::Kind::Concat, {a, b})); }
    /// Global average pooling, flatten, and the linear layer `module` from `in` features to `classes`.
    int classifierHead(const std::string& module, int from, int64_t in, int64_t classes)
    {
        const int pooled = push(step(ForwardStep::Kind::GlobalAvgPool, {from}));
        const int flat = push(step(ForwardStep::Kind::Flatten, {pooled}));
        ForwardStep s = step(ForwardStep::Kind::Linear, {flat}, module);
        s.inChannels = in;
        s.outChannels = classes;
        return push(s);
    }

    const std::vector<ForwardStep>& steps() const { return steps_; }

private:
    static ForwardStep step(ForwardStep::Kind kind, std::vector<int> inputs, const std::string& module = {})
    {
        ForwardStep s;
        s.kind = kind;
        s.inputs = std::move(inputs);
        s.module = module;
        return s;
    }
    int push(const ForwardStep& s)
    {
        steps_.push_back(s);
        return int(steps_.size()) - 1;
    }

    std::vector<ForwardStep> steps_;
};

} // namespace prunelab::engine
