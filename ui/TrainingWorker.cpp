#include "TrainingWorker.h"

#include "Errors.h"
#include "DatasetCatalog.h"
#include "TrainingRun.h"

#include <chrono>

namespace aestudio {
namespace {

// During long epochs the previews refresh from a fresh snapshot this often (a copy of ~0.5M floats).
constexpr auto kSnapshotInterval = std::chrono::milliseconds(1500);
// The GUI hears about batches at most this often, all reports since the last time in one burst (the trainer
// reports every 50 ms, and the charts keep every report). Each delivery wakes the GUI thread, which on a 2-core
// machine preempts a training thread that the other one then waits for at the next barrier: at 20 Hz plus chart
// redraws the studio trained ~15% slower than headless.
constexpr auto kGuiBatchInterval = std::chrono::milliseconds(200);

class SignalObserver : public TrainingObserver {
public:
    SignalObserver(TrainingWorker &worker, Trainer &trainer, SnapshotStore &store)
        : m_worker(worker), m_trainer(trainer), m_store(store)
    {
    }
    void batchProgress(const BatchProgress &p) override
    {
        const auto now = std::chrono::steady_clock::now();
        m_pending.append(p);
        if (now - m_lastBatch < kGuiBatchInterval && p.batch < p.batches)
            return;
        m_lastBatch = now;
        Q_EMIT m_worker.batchesProgressed(m_pending);
        m_pending.clear();
        if (now - m_lastSnapshot >= kSnapshotInterval)
            publish(now);
    }
    void epochFinished(const EpochMetrics &m) override // the run folder is already written (TrainingRun)
    {
        if (!m_trainer.probeSnapshots().isEmpty())
            Q_EMIT m_worker.epochGrids(m_trainer.probeSnapshots().last());
        Q_EMIT m_worker.epochFinished(m);
        publish(std::chrono::steady_clock::now());
    }
    void trainingFinished(const TrainingSummary &) override { publish(std::chrono::steady_clock::now()); }

private:
    void publish(std::chrono::steady_clock::time_point now)
    {
        m_lastSnapshot = now;
        m_store.publish(m_trainer.snapshot());
        Q_EMIT m_worker.snapshotPublished();
    }
    TrainingWorker &m_worker;
    Trainer &m_trainer;
    SnapshotStore &m_store;
    std::chrono::steady_clock::time_point m_lastSnapshot = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point m_lastBatch;
    QVector<BatchProgress> m_pending;
};

} // namespace

TrainingWorker::TrainingWorker(Job job, std::shared_ptr<SnapshotStore> snapshots, std::shared_ptr<RunControl> control)
    : m_job(std::move(job)), m_snapshots(std::move(snapshots)), m_control(std::move(control))
{
}

void TrainingWorker::run()
{
    try {
        const TrainingConfig &c = m_job.config;
        auto data = std::make_shared<const DatasetSplit>(DatasetCatalog::load(c));
        Q_EMIT datasetLoaded(data->name, data->train.count(), data->validation.count(), data->test.count(),
                             ProbeImages::firstOf(data->validation),
                             ProbeImages::firstOf(data->validation, kLatentImages));
        const RunDirectory folder = m_job.folder.isEmpty() ? RunDirectory::createNew(c) : RunDirectory(m_job.folder);
        TrainingRun run(c, folder, TrainingRun::Options{m_job.resumeFrom, data});
        Q_EMIT runFolderReady(folder.path());
        Q_EMIT epochGridsRestored(run.trainer().probeSnapshots());
        m_snapshots->publish(run.trainer().snapshot());
        Q_EMIT snapshotPublished();
        if (!m_control->stopRequested()) {
            SignalObserver observer(*this, run.trainer(), *m_snapshots);
            // Reported once the run folder is final (run.json included), through the outcome alone.
            const Trainer::Outcome outcome = run.run(observer, *m_control);
            if (outcome.failed)
                Q_EMIT failed(outcome.error);
            else
                Q_EMIT finished(outcome.summary);
        } else {
            TrainingSummary stopped;
            stopped.epochsCompleted = run.trainer().completedEpochs();
            stopped.stopped = true;
            Q_EMIT finished(stopped);
        }
    } catch (const std::exception &e) {
        Q_EMIT failed(describeError(e));
    }
    Q_EMIT done();
}

} // namespace aestudio
