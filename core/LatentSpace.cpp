#include "LatentSpace.h"

#include "Errors.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

namespace aestudio {

LatentProjection LatentSpace::project(const std::vector<float> &codes, int count, int dim)
{
    if (count < 2 || dim < 1 || codes.size() != std::size_t(count) * std::size_t(dim))
        throw TrainingError(
            QStringLiteral("a latent projection needs at least 2 codes (got %1 of dimension %2)").arg(count).arg(dim));
    torch::NoGradGuard noGrad;
    const torch::Tensor z
        = torch::from_blob(const_cast<float *>(codes.data()), {count, dim}, torch::kFloat32).to(torch::kFloat64);
    const torch::Tensor mean = z.mean(0);
    const torch::Tensor centred = z - mean;
    // Vh's rows are the principal directions, largest singular value first.
    const auto [u, s, vh] = torch::linalg_svd(centred, /*full_matrices=*/false);
    (void)u;
    LatentProjection p;
    p.count = count;
    p.dim = dim;
    const int k = std::min<int>(2, int(vh.size(0)));
    torch::Tensor axes = torch::zeros({2, dim}, torch::kFloat64);
    for (int i = 0; i < k; ++i) {
        torch::Tensor axis = vh[i].clone();
        // SVD's sign is arbitrary: make the largest entry positive, so the same model always draws the same way.
        if (axis[axis.abs().argmax()].item<double>() < 0)
            axis = -axis;
        axes[i] = axis;
    }
    const torch::Tensor points = torch::matmul(centred, axes.t()).to(torch::kFloat32).contiguous();
    p.points.assign(points.data_ptr<float>(), points.data_ptr<float>() + points.numel());
    const torch::Tensor meanF = mean.to(torch::kFloat32).contiguous();
    p.mean.assign(meanF.data_ptr<float>(), meanF.data_ptr<float>() + dim);
    const torch::Tensor axesF = axes.to(torch::kFloat32).contiguous();
    p.axes.assign(axesF.data_ptr<float>(), axesF.data_ptr<float>() + 2 * dim);
    const torch::Tensor energy = s * s;
    const double total = energy.sum().item<double>();
    for (int i = 0; i < k; ++i)
        p.explained[i] = total > 0 ? energy[i].item<double>() / total : 0.0;
    const torch::Tensor variance = centred.pow(2).sum(0) / double(count - 1);
    p.dimVariance.assign(variance.data_ptr<double>(), variance.data_ptr<double>() + dim);
    return p;
}

std::vector<float> LatentSpace::fromPlane(const LatentProjection &p, double pc1, double pc2)
{
    std::vector<float> code(p.mean);
    for (int j = 0; j < p.dim; ++j)
        code[std::size_t(j)] += float(pc1 * p.axes[std::size_t(j)] + pc2 * p.axes[std::size_t(p.dim + j)]);
    return code;
}

std::vector<float> LatentSpace::interpolate(const float *a, const float *b, int dim, int steps)
{
    steps = std::max(steps, 2);
    std::vector<float> out(std::size_t(steps) * std::size_t(dim));
    for (int s = 0; s < steps; ++s) {
        const double t = double(s) / (steps - 1);
        for (int j = 0; j < dim; ++j)
            out[std::size_t(s) * std::size_t(dim) + std::size_t(j)] = float((1 - t) * a[j] + t * b[j]);
    }
    return out;
}

} // namespace aestudio
