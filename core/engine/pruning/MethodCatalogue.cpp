#include "core/engine/pruning/MethodCatalogue.h"

#include <algorithm>
#include <stdexcept>

namespace prunelab::engine {

namespace {

std::string checkNm(const MethodParameters& values)
{
    const std::vector<double>& nm = values.at("nm");
    if (nm.size() == 2 && nm[0] < nm[1])
        return {};
    return "must be [n, m] with n < m (keep n of every m weights), got [" + std::to_string(int(nm.at(0))) + ", " +
           std::to_string(int(nm.at(1))) + "]";
}

} // namespace

const std::vector<MethodInfo>& methods()
{
    // {id, name, summary, structured, sweepsThresholds, fixedSparsity, parameters, check}
    static const std::vector<MethodInfo> table{
        {MethodId::Threshold, "threshold",
         "Removes every weight with |w| below each threshold, one round per threshold (the MRI threshold sweep)", false,
         true},
        {MethodId::GlobalMagnitude, "global-magnitude",
         "Removes the smallest |w| over all layers together: large layers give up most"},
        {MethodId::LayerMagnitude, "layer-magnitude",
         "Removes the smallest |w| of each layer, the same share in every layer"},
        {MethodId::Random, "random", "Removes weights at random: the control every pruning result needs"},
        {MethodId::Snip, "snip",
         "Removes the connections the loss is least sensitive to, |w·∂L/∂w| on a training batch"},
        {MethodId::Synflow,
         "synflow",
         "Data-free: removes the connections carrying the least synaptic flow |θ·∂R/∂θ| (|θ|, all-ones input), "
         "iteratively",
         false,
         false,
         false,
         {{"synflow_iterations",
           "scoring rounds on the way to the target, the kept share shrinking exponentially",
           {100},
           1,
           10000,
           true}}},
        {MethodId::Grasp, "grasp",
         "Removes the connections whose removal keeps the gradient flow: the highest −θ·Hg on a training batch"},
        {MethodId::Annealed, "annealed",
         "Thermodynamic: masks as Ising spins, Gibbs-sampled while the temperature anneals to 0"},
        {MethodId::NmMagnitude,
         "nm-magnitude",
         "Semi-structured N:M (2:4 by default): keeps the n largest |w| of every m consecutive input weights",
         false,
         false,
         true,
         {{"nm", "[n, m]: keep n of every m consecutive input weights", {2, 4}, 1, 64, true}},
         &checkNm},
        {MethodId::NeuronL1, "neuron-l1",
         "Structured: removes whole neurons with the smallest L1 norm of their weights", true},
        {MethodId::NeuronTaylor, "neuron-taylor",
         "Structured: removes whole neurons with the smallest |activation · gradient|", true},
        {MethodId::IntervalAdjoint, "interval-adjoint",
         "Structured: removes whole neurons with the smallest max |A·G| over their value and adjoint intervals", true},
    };
    return table;
}

const std::vector<ScheduleInfo>& schedules()
{
    // {kind, name, summary, usesRounds, usesSparsity, structuredOnly, rewinds, restartsEachRound}
    static const std::vector<ScheduleInfo> table{
        {ScheduleKind::None, "none", "Trains only: no pruning"},
        {ScheduleKind::OneShot, "one-shot", "Prunes once to the target sparsity, then fine-tunes", false, true},
        {ScheduleKind::Iterative, "iterative", "Reaches the target in several rounds, fine-tuning after each", true,
         true},
        {ScheduleKind::Sweep, "sweep",
         "Prunes the trained model to each sparsity (or threshold) of the recipe's list, each from the dense model",
         false, false, false, false, true},
        {ScheduleKind::Lottery, "lottery",
         "Iterative, rewinding the surviving weights to their initial values and retraining each round", true, true,
         false, true},
        {ScheduleKind::LayerByLayer, "layer-by-layer", "Prunes one layer per round to the target, fine-tuning between",
         false, true},
        {ScheduleKind::Geometric, "geometric",
         "Structured: each hidden layer of width h keeps max(1, round(h·q^t)) neurons after round t", true, false,
         true},
        {ScheduleKind::Gradual, "gradual",
         "AGP: prunes every few steps during training, sparsity rising as s_f + (s_i − s_f)(1 − progress)^3", false,
         true},
        {ScheduleKind::Sensitivity, "sensitivity",
         "Prunes one layer at a time to each sparsity of the list, no fine-tuning: which layers can be cut"},
        {ScheduleKind::AtInit, "at-init",
         "Prunes the untrained network to each sparsity of the recipe's list, then trains it sparse (SNIP, SynFlow, "
         "GraSP)",
         false, false, false, false, true},
    };
    return table;
}

const MethodInfo* findMethod(std::string_view name)
{
    for (const MethodInfo& m : methods())
        if (name == m.name)
            return &m;
    return nullptr;
}

const ScheduleInfo* findSchedule(std::string_view name)
{
    for (const ScheduleInfo& s : schedules())
        if (name == s.name)
            return &s;
    return nullptr;
}

const MethodInfo& method(std::string_view name)
{
    if (const MethodInfo* m = findMethod(name))
        return *m;
    throw std::invalid_argument("prune.method must be one of " + orList(methodNames()) + ", got '" + std::string(name) +
                                "'");
}

const ScheduleInfo& schedule(std::string_view name)
{
    if (const ScheduleInfo* s = findSchedule(name))
        return *s;
    throw std::invalid_argument("prune.schedule must be one of " + orList(scheduleNames()) + ", got '" +
                                std::string(name) + "'");
}

std::vector<std::string> methodNames(bool structuredOnly)
{
    std::vector<std::string> names;
    for (const MethodInfo& m : methods())
        if (!structuredOnly || m.structured)
            names.emplace_back(m.name);
    return names;
}

std::vector<std::string> scheduleNames()
{
    std::vector<std::string> names;
    for (const ScheduleInfo& s : schedules())
        names.emplace_back(s.name);
    return names;
}

std::string orList(const std::vector<std::string>& names)
{
    std::string text;
    for (size_t i = 0; i < names.size(); ++i) {
        if (i > 0)
            text += i + 1 == names.size() ? " or " : ", ";
        text += names[i];
    }
    return text;
}

std::vector<MethodParameter> allParameters()
{
    std::vector<MethodParameter> all;
    for (const MethodInfo& m : methods())
        for (const MethodParameter& p : m.parameters) {
            bool seen = false;
            for (const MethodParameter& q : all)
                seen = seen || std::string_view(q.key) == p.key;
            if (!seen)
                all.push_back(p);
        }
    return all;
}

MethodParameters withDefaults(MethodParameters values)
{
    for (const MethodParameter& p : allParameters())
        values.emplace(p.key, p.defaults);
    return values;
}

const MethodInfo& defaultMethod()
{
    for (const MethodInfo& m : methods())
        if (m.id == MethodId::GlobalMagnitude)
            return m;
    throw std::logic_error("the method catalogue has no default method");
}

const ScheduleInfo& defaultSchedule()
{
    for (const ScheduleInfo& s : schedules())
        if (s.kind == ScheduleKind::OneShot)
            return s;
    throw std::logic_error("the method catalogue has no default schedule");
}

SchedulePlanCount countPlan(const ScheduleInfo& schedule, int trainEpochs, int fineTuneEpochs, int rounds,
                            int sweepValues, int layers, int startEpoch)
{
    switch (schedule.kind) {
    case ScheduleKind::None:
        return {0, trainEpochs};
    case ScheduleKind::OneShot:
        return {1, trainEpochs + fineTuneEpochs};
    case ScheduleKind::Iterative:
    case ScheduleKind::Geometric:
        return {rounds, trainEpochs + rounds * fineTuneEpochs};
    case ScheduleKind::Lottery: // every round retrains from the rewound weights for the full epochs
        return {rounds, trainEpochs * (rounds + 1)};
    case ScheduleKind::Sweep:
        return {sweepValues, trainEpochs + sweepValues * fineTuneEpochs};
    case ScheduleKind::AtInit: // the dense baseline, then each value's sparse network trained for the full epochs
        return {sweepValues, trainEpochs * (sweepValues + 1)};
    case ScheduleKind::LayerByLayer:
        return {layers, trainEpochs + layers * fineTuneEpochs};
    case ScheduleKind::Gradual: // one round per epoch after the dense ones; the pruning is inside the training
        return {std::max(0, trainEpochs - startEpoch), trainEpochs};
    case ScheduleKind::Sensitivity: // no training after the dense model: one evaluation per layer and sparsity
        return {layers * sweepValues, trainEpochs};
    }
    return {};
}

} // namespace prunelab::engine
