#pragma once

// The pruning vocabulary, in one place: every method and schedule a recipe can name, what each one does in one line,
// and what it needs. The recipe validator, the run, the GUI form, the results page and `prunelab-cli methods` read
// these tables; none of them spells a method's name. Adding a method: a row here, its Pruner class, one case in
// makePruner() (PrunerFactory.cpp). docs/architecture.md walks through it.
//
// No LibTorch here: the recipe parser (and its fuzz target) and the GUI include this header.

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace prunelab::engine {

enum class MethodId {
    Threshold,
    GlobalMagnitude,
    LayerMagnitude,
    Random,
    Snip,
    Synflow,
    Grasp,
    Annealed,
    NmMagnitude,
    NeuronL1,
    NeuronTaylor,
    IntervalAdjoint,
};

/// A value a method reads from the recipe's `prune` section, declared here so that the recipe parses, checks and
/// writes it without knowing the method: `prune.<key>`, a list of `count` numbers in [min, max].
struct MethodParameter {
    const char* key;
    const char* help;
    std::vector<double> defaults; ///< also the count of numbers
    double min = 0.0;
    double max = 0.0;
    bool integer = false;
};

/// The values of every catalogue parameter, by key (the recipe's prune.<key>).
using MethodParameters = std::map<std::string, std::vector<double>>;

struct MethodInfo {
    MethodId id;
    const char* name;    ///< what a recipe writes: `prune.method`
    const char* summary; ///< one line for the GUI form, the CLI and the docs
    /// Removes whole neurons and filters (the model compacts to a smaller dense one); the geometric schedule needs it.
    bool structured = false;
    /// A sweep's values are magnitude thresholds (`prune.thresholds`), not sparsities (`prune.sparsities`).
    bool sweepsThresholds = false;
    /// The method fixes the sparsity itself (N:M keeps n of every m): schedules that aim at a target refuse it.
    bool fixedSparsity = false;
    /// The method's own recipe values (the older methods' values are fields of the recipe itself).
    std::vector<MethodParameter> parameters = {};
    /// What the ranges cannot say (N:M: n < m): the problem with the method's values (said of its first
    /// parameter), or empty when they are good.
    std::string (*check)(const MethodParameters& values) = nullptr;
};

enum class ScheduleKind {
    None,
    OneShot,
    Iterative,
    Sweep,
    Lottery,
    LayerByLayer,
    Geometric,
    Gradual,
    Sensitivity,
    AtInit
};

struct ScheduleInfo {
    ScheduleKind kind;
    const char* name; ///< what a recipe writes: `prune.schedule`
    const char* summary;
    bool usesRounds = false;     ///< reads `prune.rounds`
    bool usesSparsity = false;   ///< aims at `prune.sparsity` (iterative and lottery: reached by `prune.rate`)
    bool structuredOnly = false; ///< needs a structured method
    bool rewinds = false;        ///< retrains from rewound weights each round (lottery ticket)
    /// Each round starts again from the same weights (sweep: the trained model; at-init: θ0) and tries one value of
    /// the recipe's list, so the best round is kept (by validation accuracy), not the last.
    bool restartsEachRound = false;
};

/// Every method, in the order messages and the GUI list them.
const std::vector<MethodInfo>& methods();
/// Every schedule, in the order messages and the GUI list them.
const std::vector<ScheduleInfo>& schedules();

/// nullptr when no method or schedule has that name.
const MethodInfo* findMethod(std::string_view name);
const ScheduleInfo* findSchedule(std::string_view name);
/// The method or schedule of that name; throws std::invalid_argument naming `prune.method` / `prune.schedule`.
const MethodInfo& method(std::string_view name);
const ScheduleInfo& schedule(std::string_view name);

/// The names, in catalogue order; `structuredOnly`: the structured methods.
std::vector<std::string> methodNames(bool structuredOnly = false);
std::vector<std::string> scheduleNames();
/// "a, b or c", for messages.
std::string orList(const std::vector<std::string>& names);

/// Every method's parameters, each once (two methods may share a key), in catalogue order.
std::vector<MethodParameter> allParameters();
/// `values` with every parameter of allParameters() that it lacks at its default.
MethodParameters withDefaults(MethodParameters values);

/// The recipe's defaults.
const MethodInfo& defaultMethod();
const ScheduleInfo& defaultSchedule();

/// What a schedule will do, counted before it runs (the progress bar and the ETA).
struct SchedulePlanCount {
    int rounds = 0; ///< pruning rounds after the dense model
    int epochs = 0; ///< training epochs in all, fine-tuning and retraining included
};
/// `sweepValues`: how many thresholds or sparsities a sweep (or a sensitivity analysis) tries; `layers`: the model's
/// prunable layers; `startEpoch`: gradual, the epoch after which pruning starts (one round per epoch after it).
SchedulePlanCount countPlan(const ScheduleInfo& schedule, int trainEpochs, int fineTuneEpochs, int rounds,
                            int sweepValues, int layers, int startEpoch = 0);

} // namespace prunelab::engine
