// A read-only copy of a trained autoencoder for evaluation and previews (grids, noise explorer, CLI eval).
// It owns its own weights, so it can run on a worker thread while the trainer keeps updating the original.
#pragma once

#include "DatasetCatalog.h"
#include "Metrics.h"
#include "TrainingConfig.h"

#include <memory>
#include <vector>

namespace aestudio {

struct CheckpointInfo;

struct Reconstruction {
    int count = 0;
    std::vector<float> clean, noisy, reconstructed; // count * 784 each, in [0,1]
    std::vector<double> psnrDb;                     // per image: reconstruction vs clean
    std::vector<double> noisyPsnrDb;                // per image: noisy input vs clean
    QualityMetrics metrics;
};

class InferenceModel {
public:
    struct Impl;
    explicit InferenceModel(std::unique_ptr<Impl> impl);
    ~InferenceModel();

    // Fixed seed of the probe noise, so grids of successive epochs (and the explorer) differ only by the model.
    static constexpr std::uint64_t kProbeNoiseSeed = 20240311;

    // Loads the weights of a checkpoint onto the CPU, and its header with the probe snapshots into `info` when given;
    // throws CheckpointError.
    static std::shared_ptr<const InferenceModel> fromCheckpoint(const QString &path, CheckpointInfo *info = nullptr);

    // Corrupts `count` images with `noise` (seeded), without a model: `reconstructed` and `psnrDb` stay empty and
    // only the noisy-input metrics are set (what the studio shows before anything has trained).
    static Reconstruction noiseOnly(const std::uint8_t *pixels, int count, const NoiseSpec &noise, std::uint64_t seed);
    // Corrupts `count` images with `noise` (seeded) and reconstructs them.
    Reconstruction reconstruct(const std::uint8_t *pixels, int count, const NoiseSpec &noise, std::uint64_t seed) const;
    // The first `count` images of `images` (or fewer), with the probe noise: what every grid shows.
    Reconstruction reconstructProbes(const ImageSet &images, int count, const NoiseSpec &noise) const;
    // Metrics over a whole set, batched; no images are returned.
    QualityMetrics evaluate(const ImageSet &images, const NoiseSpec &noise, std::uint64_t seed) const;

    int latentDim() const;
    // The latent codes of `count` clean images: count * latentDim() floats, row-major; batched.
    std::vector<float> encode(const std::uint8_t *pixels, int count) const;
    // The images decoded from `count` codes: count * 784 floats in [0,1].
    std::vector<float> decode(const float *codes, int count) const;

private:
    std::unique_ptr<Impl> d;
};

} // namespace aestudio
