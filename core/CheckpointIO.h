// Torch side of checkpoints: writing and restoring model and optimizer state. Internal to core.
#pragma once

#include "AutoEncoder.h"
#include "Checkpoint.h"
#include "FlatAdam.h"

#include <torch/torch.h>

namespace aestudio {

// Atomic write (QSaveFile). `optimizer` may be null (weights-only checkpoint).
void saveCheckpoint(const QString &path, CheckpointInfo info, const AutoEncoder &model,
                    FlatAdam *optimizer);
// Validates the header against `model`'s architecture, then loads weights (and optimizer state when both the file
// and `optimizer` have it). Weights are copied into the existing parameter tensors, so views into an optimizer's
// flat buffer stay intact; a failed load leaves the model untouched. Throws CheckpointError, never a torch error.
CheckpointInfo loadCheckpointState(const QString &path, AutoEncoder &model, FlatAdam *optimizer,
                                   const torch::Device &device);

} // namespace aestudio
