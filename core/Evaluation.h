// Torch-side evaluation shared by the trainer's validation pass and InferenceModel. Internal to core.
#pragma once

#include "AutoEncoder.h"
#include "Dataset.h"
#include "InferenceModel.h"
#include "Metrics.h"

#include <torch/torch.h>

namespace aestudio {

struct InferenceModel::Impl {
    AutoEncoder model;
    torch::Device device;
};

// Non-owning [N,784] uint8 view of an image set's pixels.
torch::Tensor pixelView(const ImageSet &images);
torch::Tensor pixelView(const std::uint8_t *pixels, int count);

// Runs the model under eval() + NoGradGuard over `images` in chunks, with the noise seeded by `seed`, and restores
// the model's previous train/eval mode afterwards.
QualityMetrics evaluateSet(AutoEncoder &model, const torch::Tensor &pixels, const NoiseSpec &noise,
                           std::uint64_t seed, const torch::Device &device);

} // namespace aestudio
