// Training throughput of the engine's Trainer against a plain LibTorch loop (pytorch/examples cpp style) over the
// same model, batch, optimiser and in-memory data, measured in the same run: the ratio shows what the engine's
// masking, normalisation and bookkeeping cost. Usage: bench_engine_train [--steps N] [--batch-size B] [--json]

#include "core/engine/Mlp.h"
#include "core/engine/Normalizer.h"
#include "core/engine/Trainer.h"

#include <torch/torch.h>

#include <chrono>
#include <cstring>
#include <iostream>
#include <string>

using namespace prunelab::engine;

namespace {

double plainLoopSamplesPerSecond(const TensorDataset& data, int64_t batch, const Normalizer& normalize)
{
    torch::manual_seed(1);
    Mlp mlp(MlpOptions{784, {300, 100}, 10});
    torch::optim::Adam adam(mlp->parameters(), torch::optim::AdamOptions(1.2e-3));
    const auto start = std::chrono::steady_clock::now();
    for (int64_t begin = 0; begin + batch <= data.size(); begin += batch) {
        const torch::Tensor x = normalize(data.images.narrow(0, begin, batch));
        const torch::Tensor y = data.labels.narrow(0, begin, batch);
        adam.zero_grad();
        const torch::Tensor loss = torch::nn::functional::cross_entropy(mlp->forward(x), y);
        loss.backward();
        adam.step();
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return static_cast<double>(data.size() / batch * batch) / seconds;
}

double engineSamplesPerSecond(const TensorDataset& data, int64_t batch, const Normalizer& normalize)
{
    torch::manual_seed(1);
    Mlp mlp(MlpOptions{784, {300, 100}, 10});
    Trainer trainer(mlp.ptr(), normalize, torch::kCPU);
    TrainOptions options;
    options.epochs = 1;
    options.batchSize = batch;
    options.learningRate = 1.2e-3;
    TensorDataset none;
    none.classCount = data.classCount;
    const auto start = std::chrono::steady_clock::now();
    trainer.fit(data, none, options);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return static_cast<double>(data.size()) / seconds;
}

} // namespace

int main(int argc, char** argv)
{
    int64_t steps = 300;
    int64_t batch = 60;
    bool json = false;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--steps") && i + 1 < argc)
            steps = std::stoll(argv[++i]);
        else if (!std::strcmp(argv[i], "--batch-size") && i + 1 < argc)
            batch = std::stoll(argv[++i]);
        else if (!std::strcmp(argv[i], "--json"))
            json = true;
        else {
            std::cerr << "usage: bench_engine_train [--steps N] [--batch-size B] [--json]\n";
            return 2;
        }
    }
    TensorDataset data;
    data.images = torch::randint(0, 256, {steps * batch, 1, 28, 28}, torch::kLong).to(torch::kUInt8);
    data.labels = torch::randint(0, 10, {steps * batch}, torch::kLong);
    data.classCount = 10;
    const Normalizer normalize = Normalizer::fromData(data.images);

    plainLoopSamplesPerSecond(data.images.size(0) > 10 * batch ? TensorDataset{data.images.narrow(0, 0, 10 * batch), data.labels.narrow(0, 0, 10 * batch), 10} : data, batch, normalize); // warm-up
    const double reference = plainLoopSamplesPerSecond(data, batch, normalize);
    const double engine = engineSamplesPerSecond(data, batch, normalize);
    if (json) {
        std::cout << "{\"model\":\"lenet-300-100\",\"batch_size\":" << batch << ",\"samples_per_second\":" << engine
                  << ",\"reference\":\"plain libtorch loop\",\"reference_samples_per_second\":" << reference
                  << ",\"ratio\":" << engine / reference << "}\n";
    } else {
        std::cout << "LeNet-300-100, batch " << batch << ", " << steps << " steps, " << torch::get_num_threads()
                  << " intra-op threads\n"
                  << "  plain LibTorch loop : " << reference << " samples/s\n"
                  << "  PruneLab Trainer    : " << engine << " samples/s\n"
                  << "  ratio               : " << engine / reference << "\n";
    }
    return 0;
}
