// Runs the core Trainer on its own QThread and turns the observer callbacks into queued signals of plain data.
// Stop and pause go straight to the shared RunControl (atomics), so they work while run() is busy.
#pragma once

#include "SnapshotStore.h"
#include "StudioTypes.h"
#include "TrainingConfig.h"

#include <QObject>

#include <memory>

namespace aestudio {

class TrainingWorker : public QObject {
    Q_OBJECT
public:
    struct Job {
        TrainingConfig config;
        QString resumeFrom; // checkpoint to continue from, or empty
        QString folder;     // the run folder to write (continuing a run), or empty for a new one
    };
    TrainingWorker(Job job, std::shared_ptr<SnapshotStore> snapshots, std::shared_ptr<RunControl> control);

public Q_SLOTS:
    void run();

Q_SIGNALS:
    void datasetLoaded(const QString &name, int train, int validation, int test, const aestudio::ProbeImages &probes,
                       const aestudio::ProbeImages &validationImages);
    // The trainer's reports (about every 50 ms), delivered in bursts of at most 5 per second.
    void batchesProgressed(const QVector<aestudio::BatchProgress> &reports);
    void epochFinished(const aestudio::EpochMetrics &metrics);
    // The probe grids of the epochs the run starts with (a resumed checkpoint's; none for a new run), then each
    // finished epoch's, just before its epochFinished.
    void epochGridsRestored(const QVector<aestudio::ProbeSnapshot> &grids);
    void epochGrids(const aestudio::ProbeSnapshot &grids);
    void runFolderReady(const QString &path); // written after every epoch from now on
    void snapshotPublished();
    void finished(const aestudio::TrainingSummary &summary);
    void failed(const QString &message);
    void done(); // always the last signal, after finished or failed

private:
    Job m_job;
    std::shared_ptr<SnapshotStore> m_snapshots;
    std::shared_ptr<RunControl> m_control;
};

} // namespace aestudio
