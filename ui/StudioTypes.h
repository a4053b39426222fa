// Plain data that crosses from the training and preview threads to the GUI in queued signals, registered with Qt's
// meta-type system. No tensors or model pointers travel this way.
#pragma once

#include "DatasetCatalog.h"
#include "InferenceModel.h"
#include "ProbeSnapshot.h"
#include "Sweep.h"
#include "TrainingTypes.h"

#include <QImage>
#include <QMetaType>

#include <cstdint>
#include <vector>

namespace aestudio {

// The fixed validation images the side panel shows, copied out of the dataset once per run.
struct ProbeImages {
    int count = 0;
    std::vector<std::uint8_t> pixels; // count * 784
    std::vector<std::uint8_t> labels; // count
    bool isEmpty() const { return count == 0; }
    static ProbeImages firstOf(const ImageSet &set, int count = 16);
    ProbeImages first(int n) const; // the first n (or fewer) of these
};

// How many validation images the robustness curve measures (the first ones of the split).
constexpr int kEvalImages = 500;
// How many the latent explorer encodes and the draw pad can load (the first ones of the split).
constexpr int kLatentImages = 10000;

// One noise-explorer evaluation: three grids plus per-image PSNR, ready to paint.
struct PreviewResult {
    QImage original, noisy, reconstructed;
    QImage error; // |original - reconstruction| through viridis (ErrorViews::heatmap); null without a model
    std::vector<double> psnrDb, noisyPsnrDb;
    QualityMetrics metrics;
    NoiseSpec noise;
    int columns = 0;
    qint64 requestedAtMs = 0; // QElapsedTimer clock of the request, for latency measurements
    int epoch = 0;            // a stored epoch's grids (the time scrubber); 0: the current model
};

void registerStudioMetaTypes();

} // namespace aestudio

Q_DECLARE_METATYPE(aestudio::BatchProgress)
Q_DECLARE_METATYPE(QVector<aestudio::BatchProgress>)
Q_DECLARE_METATYPE(aestudio::EpochMetrics)
Q_DECLARE_METATYPE(aestudio::TrainingSummary)
Q_DECLARE_METATYPE(aestudio::ProbeImages)
Q_DECLARE_METATYPE(aestudio::PreviewResult)
Q_DECLARE_METATYPE(aestudio::SweepResult)
Q_DECLARE_METATYPE(aestudio::ProbeSnapshot)
Q_DECLARE_METATYPE(QVector<aestudio::ProbeSnapshot>)
