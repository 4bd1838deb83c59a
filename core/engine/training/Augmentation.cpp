#include "core/engine/training/Augmentation.h"

#include <cmath>

namespace prunelab::engine {

torch::Tensor augmentBatch(const torch::Tensor& images, const AugmentOptions& options, at::Generator& generator)
{
    torch::Tensor x = images.to(torch::kFloat);
    if (!options.enabled() || x.size(0) == 0)
        return x;
    const int64_t n = x.size(0);
    const auto uniform = [&](double low, double high) {
        // Drawn on the CPU from the trainer's generator, then moved: the same numbers on every device.
        return (torch::rand({n}, generator, torch::kFloat) * (high - low) + low).to(x.device());
    };
    if (options.flip) {
        const torch::Tensor flipMask = (uniform(0.0, 1.0) < 0.5).view({n, 1, 1, 1});
        x = torch::where(flipMask, x.flip({3}), x);
    }
    if (options.rotateDegrees > 0.0) {
        const torch::Tensor angle = uniform(-options.rotateDegrees, options.rotateDegrees) * (M_PI / 180.0);
        const torch::Tensor c = angle.cos(), s = angle.sin(), zero = torch::zeros_like(angle);
        // affine_grid maps output to input coordinates in [−1, 1]²: a rotation about the centre.
        const torch::Tensor theta = torch::stack({torch::stack({c, -s, zero}, 1), torch::stack({s, c, zero}, 1)}, 1);
        const torch::Tensor grid = torch::nn::functional::affine_grid(theta, x.sizes(), /*align_corners=*/false);
        x = torch::nn::functional::grid_sample(x, grid,
                                               torch::nn::functional::GridSampleFuncOptions()
                                                   .mode(torch::kBilinear)
                                                   .padding_mode(torch::kZeros)
                                                   .align_corners(false));
    }
    if (options.brightness > 0.0)
        x = (x * uniform(1.0 - options.brightness, 1.0 + options.brightness).view({n, 1, 1, 1})).clamp(0.0, 255.0);
    return x;
}

} // namespace prunelab::engine
