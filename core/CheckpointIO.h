// Torch side of checkpoints: writing and restoring model and optimizer state. Internal to core.
#pragma once

#include "AutoEncoder.h"
#include "Checkpoint.h"

#include <torch/torch.h>

namespace aestudio {

// Atomic write (QSaveFile). `optimizer` may be null (weights-only checkpoint).
void saveCheckpoint(const QString &path, CheckpointInfo info, const AutoEncoder &model,
                    torch::optim::Optimizer *optimizer);
// Validates the header against `model`'s architecture, then loads weights (and optimizer state when both the file
// and `optimizer` have it). Throws CheckpointError, never lets a torch error escape.
CheckpointInfo loadCheckpointState(const QString &path, AutoEncoder &model, torch::optim::Optimizer *optimizer,
                                   const torch::Device &device);

} // namespace aestudio
