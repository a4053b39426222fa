// Torch views of the studio's uint8 image buffers, shared by the trainer and InferenceModel. Internal to core.
#pragma once

#include "DatasetCatalog.h"

#include <torch/torch.h>

namespace aestudio {

// Non-owning [N,784] uint8 view of an image set's pixels.
torch::Tensor pixelView(const ImageSet &images);
torch::Tensor pixelView(const std::uint8_t *pixels, int count);
// uint8 pixels [N,784] (any device) -> float [N,784] in [0,1] on `device`.
torch::Tensor toUnitFloat(const torch::Tensor &bytes, const torch::Device &device);

} // namespace aestudio
