// InferenceModel's torch half, and the evaluation loop shared by the trainer's validation pass and InferenceModel.
// Internal to core.
#pragma once

#include "AutoEncoder.h"
#include "DatasetCatalog.h"
#include "InferenceModel.h"
#include "Metrics.h"
#include "Pixels.h"

#include <torch/torch.h>

namespace aestudio {

struct InferenceModel::Impl {
    AutoEncoder model;
    torch::Device device;
};

// Runs the model under eval() + NoGradGuard over `images` in chunks, with the noise seeded by `seed`, and restores
// the model's previous train/eval mode afterwards.
QualityMetrics evaluateSet(AutoEncoder &model, const torch::Tensor &pixels, const NoiseSpec &noise, std::uint64_t seed,
                           const torch::Device &device);

} // namespace aestudio
