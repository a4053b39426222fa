// One training run written into its run folder: the single path behind `aestudio-cli train`, every sweep cell,
// the studio's worker and the measurement harness. It loads the split (unless given one), builds the Trainer,
// resumes when asked, writes config.json, and after every epoch metrics.csv, checkpoint.aes, best.aes and
// grid.png, so a crash or power cut loses at most the current epoch. run.json says how the run stands.
#pragma once

#include "RunDirectory.h"
#include "Trainer.h"

#include <QDateTime>

#include <memory>

namespace aestudio {

class TrainingRun {
public:
    struct Options {
        QString resumeFrom;                       // a checkpoint to continue, or empty
        std::shared_ptr<const DatasetSplit> data; // the split, when the caller already loaded it (sweeps share one)
    };
    // Throws ConfigError, DatasetError, CheckpointError or WriteError before anything trains.
    TrainingRun(const TrainingConfig &config, const RunDirectory &folder, const Options &options);
    TrainingRun(const TrainingConfig &config, const RunDirectory &folder);

    // Trains the remaining epochs; the observer hears every report after the folder is written. Whatever the
    // outcome, the folder ends consistent (the last good weights, the metrics so far, a grid) and run.json says
    // finished, stopped or failed. A write that fails throws WriteError (run.json then says failed where it can).
    Trainer::Outcome run(TrainingObserver &observer, RunControl &control);

    Trainer &trainer() { return *m_trainer; }
    const Trainer &trainer() const { return *m_trainer; }
    const RunDirectory &folder() const { return m_folder; }
    std::shared_ptr<const DatasetSplit> data() const { return m_data; }

private:
    void writeAll();
    RunDirectory m_folder;
    std::shared_ptr<const DatasetSplit> m_data;
    std::unique_ptr<Trainer> m_trainer;
    QDateTime m_started = QDateTime::currentDateTime();
    int m_writtenAt = -1; // the completed epochs the folder was last written at
};

} // namespace aestudio
