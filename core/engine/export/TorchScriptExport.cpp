#include "core/engine/export/TorchScriptExport.h"

#include "core/engine/structured/Compaction.h"

#include <torch/script.h>
#include <torch/torch.h>

#include <algorithm>
#include <iomanip>
#include <sstream>
#include <stdexcept>

namespace prunelab::engine {

namespace {

std::string identifier(const std::string& name)
{
    std::string id = name;
    std::replace(id.begin(), id.end(), '.', '_');
    return id;
}

} // namespace

MaskSet masksFromZeros(torch::nn::Module& model)
{
    torch::NoGradGuard noGrad;
    MaskSet masks;
    for (const auto& item : model.named_parameters(/*recurse=*/true))
        masks.set(item.key(), (item.value().detach() != 0).to(torch::kFloat));
    return masks;
}

torch::jit::Module toTorchScript(ClassifierImpl& model, const Normalizer& normalizer,
                                 const std::vector<std::string>& classNames, const std::vector<int64_t>& inputShape)
{
    torch::NoGradGuard noGrad;
    const std::vector<ForwardStep> steps = model.forwardSteps();
    if (steps.empty())
        throw std::logic_error("this architecture cannot be exported to TorchScript");
    if (inputShape.size() != 3)
        throw std::invalid_argument("TorchScript export needs the input shape as {C, H, W}");
    const int64_t channels = inputShape[0];
    if (normalizer.mean().size() != size_t(channels))
        throw std::invalid_argument("the normaliser has " + std::to_string(normalizer.mean().size()) +
                                    " channels, the input " + std::to_string(channels));

    torch::jit::Module module("PruneLabClassifier");
    module.register_attribute("training", c10::BoolType::get(), false);
    // (x − mean) / std for x in [0, 1]: the engine's Normalizer, which divides by 1 where std is ~0.
    torch::Tensor mean = torch::empty({1, channels, 1, 1});
    torch::Tensor std = torch::empty({1, channels, 1, 1});
    for (int64_t c = 0; c < channels; ++c) {
        const double s = normalizer.std()[size_t(c)];
        mean[0][c][0][0] = normalizer.mean()[size_t(c)];
        std[0][c][0][0] = s > 1e-8 ? s : 1.0;
    }
    module.register_buffer("input_mean", mean);
    module.register_buffer("input_std", std);
    module.register_attribute("class_names", c10::ListType::ofStrings(),
                              c10::List<std::string>(std::vector<std::string>(classNames)));
    module.register_attribute("input_shape", c10::ListType::ofInts(), c10::List<int64_t>(inputShape));

    const auto params = model.named_parameters(/*recurse=*/true);
    const auto buffers = model.named_buffers(/*recurse=*/true);
    const auto attribute = [&](const std::string& name) {
        const bool isParameter = params.find(name) != nullptr;
        const torch::Tensor* value = isParameter ? params.find(name) : buffers.find(name);
        if (value == nullptr)
            throw std::logic_error("TorchScript export: the model has no '" + name + "'");
        const std::string id = identifier(name);
        if (isParameter)
            module.register_parameter(id, value->detach().to(torch::kCPU).clone(), /*is_buffer=*/false);
        else
            module.register_buffer(id, value->detach().to(torch::kCPU).clone());
        return "self." + id;
    };

    // Step i writes v<i>; a chain's step reads the previous value, a graph's step the values its `inputs` name.
    const auto value = [](int step) { return step < 0 ? std::string("x") : "v" + std::to_string(step); };
    const auto input = [&](size_t i, size_t k) {
        const std::vector<int> inputs = stepInputs(steps, i);
        if (k >= inputs.size() || inputs[k] >= int(i))
            throw std::logic_error("TorchScript export: step " + std::to_string(i) + " reads a later step");
        return value(inputs[k]);
    };
    std::ostringstream code;
    code << std::setprecision(17);
    code << "def forward(self, x):\n";
    code << "    x = (x - self.input_mean) / self.input_std\n";
    for (size_t i = 0; i < steps.size(); ++i) {
        const ForwardStep& step = steps[i];
        const std::string& m = step.module;
        const std::string in =
            step.kind == ForwardStep::Kind::Add || step.kind == ForwardStep::Kind::Concat ? std::string() : input(i, 0);
        code << "    " << value(int(i)) << " = ";
        switch (step.kind) {
        case ForwardStep::Kind::Flatten:
            code << "torch.flatten(" << in << ", 1)\n";
            break;
        case ForwardStep::Kind::Relu:
            code << "torch.relu(" << in << ")\n";
            break;
        case ForwardStep::Kind::Linear:
            code << "torch.linear(" << in << ", " << attribute(m + ".weight") << ", "
                 << (step.bias ? attribute(m + ".bias") : std::string("None")) << ")\n";
            break;
        case ForwardStep::Kind::Conv2d:
            code << "torch.conv2d(" << in << ", " << attribute(m + ".weight") << ", "
                 << (step.bias ? attribute(m + ".bias") : std::string("None")) << ", [" << step.stride << ", "
                 << step.stride << "], [" << step.padding << ", " << step.padding << "], [1, 1], 1)\n";
            break;
        case ForwardStep::Kind::BatchNorm2d:
            code << "torch.batch_norm(" << in << ", " << attribute(m + ".weight") << ", " << attribute(m + ".bias")
                 << ", " << attribute(m + ".running_mean") << ", " << attribute(m + ".running_var") << ", False, 0.1, "
                 << step.eps << ", False)\n";
            break;
        case ForwardStep::Kind::MaxPool2d:
            code << "torch.max_pool2d(" << in << ", [" << step.kernel << ", " << step.kernel << "], [" << step.stride
                 << ", " << step.stride << "], [" << step.padding << ", " << step.padding << "], [1, 1], False)\n";
            break;
        case ForwardStep::Kind::AvgPool2d:
            code << "torch.avg_pool2d(" << in << ", [" << step.kernel << ", " << step.kernel << "], [" << step.stride
                 << ", " << step.stride << "], [0, 0], False, True, None)\n";
            break;
        case ForwardStep::Kind::GlobalAvgPool:
            code << "torch.adaptive_avg_pool2d(" << in << ", [1, 1])\n";
            break;
        case ForwardStep::Kind::Add:
            code << input(i, 0);
            for (size_t k = 1; k < step.inputs.size(); ++k)
                code << " + " << input(i, k);
            code << "\n";
            break;
        case ForwardStep::Kind::Concat:
            code << "torch.cat([";
            for (size_t k = 0; k < step.inputs.size(); ++k)
                code << (k > 0 ? ", " : "") << input(i, k);
            code << "], 1)\n";
            break;
        }
    }
    code << "    return " << value(int(steps.size()) - 1) << "\n";
    module.define(code.str());
    return module;
}

void exportTorchScript(ClassifierImpl& model, const Normalizer& normalizer, const std::vector<std::string>& classNames,
                       const std::vector<int64_t>& inputShape, const std::string& path, bool compact,
                       const MaskSet* masks)
{
    torch::jit::Module module;
    if (compact) {
        const MaskSet derived = masks == nullptr ? masksFromZeros(model) : MaskSet();
        const ClassifierPtr small = compactModel(model, masks == nullptr ? derived : *masks);
        module = toTorchScript(*small, normalizer, classNames, inputShape);
    } else {
        module = toTorchScript(model, normalizer, classNames, inputShape);
    }
    try {
        module.save(path);
    } catch (const c10::Error& e) {
        throw std::runtime_error("cannot write the TorchScript model to " + path + ": " + e.what_without_backtrace());
    }
}

} // namespace prunelab::engine
