// The .aes checkpoint: a small JSON header (format version, architecture, config, epoch, metric history) checked
// before the torch payload (model weights and, for resumable checkpoints, optimizer state) is handed to torch.
//
// Layout: "AESCKPT\n" | u32 format | u32 header length | header JSON | u64 payload length | u32 payload CRC32 | payload
#pragma once

#include "TrainingConfig.h"
#include "TrainingTypes.h"

#include <QString>
#include <QVector>

namespace aestudio {

struct CheckpointInfo {
    int formatVersion = 0;
    QString architecture;          // ModelSpec::describe(), e.g. "784-256-128-15"
    TrainingConfig config;
    int epoch = 0;                 // epochs completed when saved
    QVector<EpochMetrics> history;
    int bestEpoch = 0;
    double bestValLoss = 0.0;
    bool hasOptimizer = false;     // false for best.aes: weights only
    QString datasetName;
};

namespace Checkpoint {
constexpr int kFormatVersion = 1;
// Reads and validates the header only; throws CheckpointError naming the file.
CheckpointInfo readInfo(const QString &path);
} // namespace Checkpoint

} // namespace aestudio
