// Seeded input corruption: Gaussian (clamped to [0,1], as the seed's add_gaussian_noise), salt-and-pepper and
// random masking. Uses its own generators so the same seed gives the same noise no matter what else draws numbers.
// Gaussian noise comes from a counter-based stream (CounterRandom.h): vectorised, parallel, thread-count independent.
#pragma once

#include "TrainingConfig.h"

#include <torch/torch.h>

namespace aestudio {

class NoiseModel {
public:
    NoiseModel(NoiseSpec spec, std::uint64_t seed);

    // Returns a corrupted copy of `clean` ([N,784] float in [0,1]); `clean` itself is untouched.
    torch::Tensor apply(const torch::Tensor &clean);
    // Writes the corrupted version of `clean` into `out` (same shape), reusing its storage.
    void applyInto(const torch::Tensor &clean, torch::Tensor &out);
    void reseed(std::uint64_t seed);

    // Gaussian noise can also be added in parts, by threads that each fill their own rows of one batch:
    // nextGaussianKey(n) gives the key for the next batch of n values and advances the stream as applyInto does, and
    // counterrandom::addGaussianClampedRange(..., gaussianSigma(), key, ...) over the parts then gives what applyInto
    // would have. True for Gaussian noise and for clean inputs (nothing to add), false for the other kinds.
    static bool canAddInParts(const NoiseSpec &spec);
    float gaussianSigma() const { return float(m_spec.level); }
    std::uint64_t nextGaussianKey(std::int64_t values);

private:
    NoiseSpec m_spec;
    at::Generator m_generator;       // salt-and-pepper and masking
    std::uint64_t m_gaussianKey = 0; // Gaussian stream: its key and how many draws it has used
    std::uint64_t m_gaussianDraws = 0;
    torch::Tensor m_draw; // scratch on the CPU, reused between batches
};

} // namespace aestudio
