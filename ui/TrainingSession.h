// The GUI-side owner of a training run: starts a TrainingWorker on a fresh QThread, forwards its signals, keeps the
// run's state, history and run folder, and on destruction stops the run within one batch and joins the thread.
// Every run is written to its run folder as it goes (TrainingRun), so quitting never loses one.
#pragma once

#include "SnapshotStore.h"
#include "StudioTypes.h"
#include "TrainingConfig.h"

#include <QObject>
#include <QPointer>
#include <QThread>

#include <memory>

namespace aestudio {

class TrainingSession : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Loading, Running, Paused, Stopping, Finished, Stopped, Failed };
    Q_ENUM(State)

    explicit TrainingSession(QObject *parent = nullptr);
    ~TrainingSession() override;

    // Starts a run in a new run folder; with `resumeFrom` it continues that checkpoint (the config's epochs is then
    // the new total), in `folder` when given (the checkpoint's own run folder), else in a new folder.
    void start(const TrainingConfig &config, const QString &resumeFrom = {}, const QString &folder = {});
    void pause();
    void resume();
    void stop();
    bool isActive() const; // loading, running, paused or stopping

    State state() const { return m_state; }
    static QString stateName(State s);
    // "Stopped at 19/43" or "Finished 43/43" for a model that has trained; the state's name otherwise. The one
    // meaning of epochs everywhere: the total to train to.
    QString progressName() const;
    // "Done: best val 0.0263 at epoch 19 · 16.46 dB · 58 s" (the run's epoch times, pauses excluded).
    QString summaryText() const;
    const TrainingConfig &config() const { return m_config; }
    const QVector<EpochMetrics> &history() const { return m_history; }
    // Every finished epoch's probe grids (the time scrubber's), the run's or the opened checkpoint's.
    const QVector<ProbeSnapshot> &epochGrids() const { return m_epochGrids; }
    // The checkpoint written after the last finished epoch of this session's latest run (empty before one).
    QString checkpointPath() const;
    // The run folder of the latest run, or of the opened checkpoint when it lives in one (else empty).
    QString runFolder() const { return m_runFolder; }
    std::shared_ptr<SnapshotStore> snapshots() const { return m_snapshots; }

    // Adopts a run opened from a checkpoint file: its config, history and weights (and its run folder, if any).
    void adopt(const TrainingConfig &config, const QVector<EpochMetrics> &history, const QString &checkpoint,
               std::shared_ptr<const InferenceModel> model, const QVector<ProbeSnapshot> &epochGrids = {});

Q_SIGNALS:
    // Every trainer report (about every 50 ms), in bursts of at most 5 per second; batchProgress() is each burst's
    // newest report, for whatever shows only the current state.
    void batchesProgressed(const QVector<aestudio::BatchProgress> &reports);
    void stateChanged(aestudio::TrainingSession::State state);
    void datasetLoaded(const QString &name, int train, int validation, int test, const aestudio::ProbeImages &probes,
                       const aestudio::ProbeImages &validationImages);
    void batchProgress(const aestudio::BatchProgress &progress);
    void epochFinished(const aestudio::EpochMetrics &metrics);
    void epochGridsChanged(); // replaced (new run, opened checkpoint) or one more epoch, before its epochFinished
    void snapshotPublished();
    void finished(const aestudio::TrainingSummary &summary);
    void failed(const QString &message);
    void runFolderChanged(const QString &path);

private:
    void setState(State s);
    State m_state = State::Idle;
    TrainingConfig m_config;
    QVector<EpochMetrics> m_history;
    QVector<ProbeSnapshot> m_epochGrids;
    QString m_runFolder;
    QString m_adoptedCheckpoint;
    bool m_hasEpoch = false; // the run folder holds a checkpoint of this session's run
    std::shared_ptr<SnapshotStore> m_snapshots = std::make_shared<SnapshotStore>();
    std::shared_ptr<RunControl> m_control;
    QPointer<QThread> m_thread;
};

} // namespace aestudio
