// The latent space of a trained model made visible: a 2-D PCA of the codes of a set of images (computed with
// torch::linalg_svd on the centred codes; pca_lowrank exists only in Python), points mapped back from the plane, the
// straight path between two codes, and how much each latent dimension varies.
#pragma once

#include <vector>

namespace aestudio {

struct LatentProjection {
    int count = 0;
    int dim = 0;
    std::vector<float> points;       // count * 2: (pc1, pc2) of each code
    std::vector<float> mean;         // dim: the codes' mean
    std::vector<float> axes;         // 2 * dim: the two principal directions (unit length; sign: largest entry > 0)
    double explained[2] = {0, 0};    // each direction's share of the total variance
    std::vector<double> dimVariance; // dim: the variance of each latent dimension (how much the model uses it)
};

namespace LatentSpace {

// Throws TrainingError when there are fewer than 2 codes or the dimension is below 1.
LatentProjection project(const std::vector<float> &codes, int count, int dim);
// The code at (pc1, pc2) of the plane: the mean plus the two components, every other component at 0.
std::vector<float> fromPlane(const LatentProjection &p, double pc1, double pc2);
// `steps` codes from a to b inclusive (steps >= 2), evenly spaced.
std::vector<float> interpolate(const float *a, const float *b, int dim, int steps);

} // namespace LatentSpace
} // namespace aestudio
