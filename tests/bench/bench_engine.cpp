// The engine's benchmarks without Qt (the engine-only build, e.g. on a CUDA machine): the same code as
// `prunelab-cli bench train|infer|prune`, each against its reference measured in the same run.
// Usage: bench_engine train [--model NAME|all] [--batch-size B] [--steps N] [--device cpu|cuda] [--no-reference]
// [--json]
//        bench_engine infer [--model NAME] [--json]
//        bench_engine prune [--sparsity S] [--no-reference] [--json]

#include "core/bench/InferBench.h"
#include "core/bench/PruneBench.h"
#include "core/bench/TrainBench.h"

#include <cstring>
#include <exception>
#include <iostream>
#include <string>

using namespace prunelab::bench;

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::cerr << "usage: bench_engine train|infer|prune [options] [--json]\n";
        return 2;
    }
    const std::string what = argv[1];
    TrainBenchOptions train;
    InferBenchOptions infer;
    PruneBenchOptions prune;
    bool json = false;
    try {
        for (int i = 2; i < argc; ++i) {
            const std::string a = argv[i];
            const auto next = [&]() -> std::string {
                if (i + 1 >= argc)
                    throw std::invalid_argument(a + " needs a value");
                return argv[++i];
            };
            if (a == "--json")
                json = true;
            else if (a == "--no-reference")
                train.reference = prune.reference = false;
            else if (a == "--model")
                train.model = infer.model = next();
            else if (a == "--batch-size")
                train.batchSize = std::stoll(next());
            else if (a == "--steps")
                train.steps = std::stoll(next());
            else if (a == "--device")
                train.device = next();
            else if (a == "--sparsity")
                prune.sparsity = std::stod(next());
            else
                throw std::invalid_argument("unknown option " + a);
        }
        std::vector<BenchReport> reports;
        if (what == "train")
            reports = runTrainBench(train);
        else if (what == "infer")
            reports = runInferBench(infer);
        else if (what == "prune")
            reports = {runPruneBench(prune)};
        else
            throw std::invalid_argument("unknown benchmark " + what + ": expected train, infer or prune");
        for (const BenchReport& report : reports)
            for (const std::string& line : json ? std::vector<std::string>{report.json()} : report.lines)
                std::cout << line << std::endl;
    } catch (const std::exception& error) {
        std::cerr << "bench_engine: " << error.what() << "\n";
        return 2;
    }
    return 0;
}
