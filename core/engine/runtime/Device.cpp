#include "core/engine/runtime/Device.h"

#include <torch/cuda.h>
#include <torch/torch.h>

#include <stdexcept>

namespace prunelab::engine {

torch::Device resolveDevice(const std::string& name)
{
    if (name == "auto" || name.empty())
        return torch::cuda::is_available() ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
    if (name == "cpu")
        return torch::Device(torch::kCPU);
    if (name.rfind("cuda", 0) == 0) {
        if (!torch::cuda::is_available())
            throw std::invalid_argument("device '" + name +
                                        "' asked for, but this LibTorch build or machine has no CUDA");
        return torch::Device(name);
    }
    throw std::invalid_argument("unknown device '" + name + "': expected auto, cpu, cuda or cuda:N");
}

std::string describeDevice(const torch::Device& device)
{
    return device.str();
}

} // namespace prunelab::engine
