// Trains one autoencoder on one dataset split: Adam on MSE against the clean image, with the input corrupted by the
// configured noise. Reports through TrainingObserver and obeys RunControl every batch. Torch stays behind a pimpl so
// the CLI and the GUI never compile torch headers.
#pragma once

#include "DatasetCatalog.h"
#include "InferenceModel.h"
#include "ProbeSnapshot.h"
#include "TrainingConfig.h"
#include "TrainingTypes.h"

#include <atomic>
#include <memory>

namespace aestudio {

class Trainer {
public:
    // Validates the config (ConfigError) and builds the model on the chosen device, seeded by config.seed.
    Trainer(const TrainingConfig &config, std::shared_ptr<const DatasetSplit> data);
    ~Trainer();
    Trainer(const Trainer &) = delete;
    Trainer &operator=(const Trainer &) = delete;

    // Restores weights, optimizer state and history; the next run() continues after the saved epoch.
    // Throws CheckpointError on a corrupt file or another architecture.
    void resumeFrom(const QString &checkpointPath);

    // Runs the remaining epochs. A failure (NaN/Inf loss, a torch error, an observer that throws) is reported once,
    // in the returned Outcome; the model then holds the last good (end of epoch) weights and trainingFinished is
    // not called.
    struct Outcome {
        TrainingSummary summary;
        bool failed = false;
        QString error;
    };
    Outcome run(TrainingObserver &observer, RunControl &control);

    void saveCheckpoint(const QString &path) const;             // resumable: weights + optimizer + history
    void saveBestCheckpoint(const QString &path) const;         // weights of the best validation epoch
    std::shared_ptr<const InferenceModel> snapshot() const;     // current weights, CPU, eval mode
    std::shared_ptr<const InferenceModel> bestSnapshot() const; // weights of the best validation epoch

    const TrainingConfig &config() const;
    const DatasetSplit &data() const;
    const QVector<EpochMetrics> &history() const;
    const QVector<ProbeSnapshot> &probeSnapshots() const; // one per finished epoch (fewer after a v2 resume)
    int completedEpochs() const;
    QString deviceName() const; // "cpu" or "cuda:0"
    std::int64_t parameterCount() const;

    // Where the optimisation loop's time went, summed over every batch this trainer ran (for bench profiles).
    struct PhaseSeconds {
        double data = 0, noise = 0, forwardBackward = 0, optimizer = 0, other = 0;
        bool optimizerFused = false; // the CPU step applies Adam inside its backward pass: counted in forwardBackward
        bool batchInStep = false;    // the CPU step gathers and corrupts the batch itself: data and noise in there too
    };
    PhaseSeconds phaseSeconds() const;

private:
    friend struct TrainerTestAccess;
    struct Impl;
    std::unique_ptr<Impl> d;
};

// The tests' seam into a trainer (defined in Trainer.cpp, declared only here): fault injection, and the older path
// to compare a faster one with.
struct TrainerTestAccess {
    static void poisonWeights(Trainer &trainer); // the next batch sees NaN weights, as after a numerical blow-up
    // Gather and corrupt each batch in their own phases, before the step, instead of inside the fused step.
    static void makeBatchesBeforeTheStep(Trainer &trainer);
};

} // namespace aestudio
