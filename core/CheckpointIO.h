// Torch side of checkpoints: tensors to and from the validated safetensors layout of Checkpoint.h. Internal to core.
#pragma once

#include "AutoEncoder.h"
#include "Checkpoint.h"

#include <torch/torch.h>

#include <vector>

namespace aestudio {

// What a checkpoint holds besides its header. CPU float32 tensors, in AutoEncoderImpl::parameters() order.
struct CheckpointTensors {
    std::vector<torch::Tensor> weights;
    torch::Tensor expAvg, expAvgSq;  // flat Adam moments; undefined in a weights-only checkpoint
    std::vector<torch::Tensor> best; // the best epoch's weights; empty in a weights-only checkpoint
};

// Atomic, checked write (AtomicFile). Refuses (CheckpointError) non-finite values, so a diverged run can never
// replace good weights with NaN. info.hasOptimizer follows `tensors`.
void saveCheckpoint(const QString &path, CheckpointInfo info, const CheckpointTensors &tensors);
// Validates the header (Checkpoint::readLayout), reads the tensor bytes, checks their CRC and builds the tensors
// from the validated buffer. Throws CheckpointError naming the file, never a torch error.
CheckpointTensors loadCheckpoint(const QString &path, CheckpointInfo *info);

std::vector<torch::Tensor> parameterValues(const AutoEncoder &model); // detached copies, on the model's device
void setParameterValues(AutoEncoder &model, const std::vector<torch::Tensor> &values); // in place

} // namespace aestudio
