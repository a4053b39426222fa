// One epoch's probe grids, kept for the time scrubber: the first validation images, their noisy versions (the run's
// training noise with the fixed probe seed) and the model's reconstructions at the end of that epoch, as 8-bit
// pixels. 3 x 16 x 784 = 37,632 bytes an epoch. The trainer takes one after every epoch and checkpoints carry them
// (format version 3), so reopening a run brings its history of reconstructions back. Torch-free plain data.
#pragma once

#include "InferenceModel.h"

#include <QByteArray>

namespace aestudio {

struct ProbeSnapshot {
    static constexpr int kRows = 3;    // clean, noisy, reconstructed
    static constexpr int kProbes = 16; // what the trainer keeps (fewer when the validation split is smaller)
    static constexpr int kMaxProbes = 64;
    // Snapshots one checkpoint holds at most: a long run keeps every epoch up to kThinFrom, then thins the older
    // ones (every second), so checkpoints stay a few MB and a crafted header cannot ask for gigabytes.
    static constexpr int kThinFrom = 400;
    static constexpr int kMaxStored = 1000;

    int epoch = 0;     // 1-based
    int count = 0;     // images per row
    QByteArray pixels; // kRows * count * 784 bytes, row after row

    qint64 expectedBytes() const;
    bool isValid() const { return epoch > 0 && count > 0 && pixels.size() == expectedBytes(); }
    // Rounds the three image rows of `r` to 8 bits.
    static ProbeSnapshot of(const Reconstruction &r, int epoch);
    // Back to floats in [0,1], with the per-image PSNR and the metrics recomputed from the stored pixels.
    Reconstruction toReconstruction() const;
};

} // namespace aestudio
