#include "TrainingWorker.h"

#include "Errors.h"
#include "Dataset.h"
#include "RobustnessPanel.h"
#include "Trainer.h"

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
    SignalObserver(TrainingWorker &worker, Trainer &trainer, SnapshotStore &store, QString autosave)
        : m_worker(worker), m_trainer(trainer), m_store(store), m_autosave(std::move(autosave))
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
    void epochFinished(const EpochMetrics &m) override
    {
        if (!m_autosave.isEmpty())
            m_trainer.saveCheckpoint(m_autosave);
        Q_EMIT m_worker.epochFinished(m);
        publish(std::chrono::steady_clock::now());
    }
    void trainingFinished(const TrainingSummary &s) override
    {
        publish(std::chrono::steady_clock::now());
        Q_EMIT m_worker.finished(s);
    }
    void trainingFailed(const QString &message) override { Q_EMIT m_worker.failed(message); }

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
    QString m_autosave;
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
        auto data = std::make_shared<const DatasetSplit>(
            DatasetCatalog::load(c.dataset, SplitOptions{c.validationFraction, c.seed, c.limit}));
        Q_EMIT datasetLoaded(data->name, data->train.count(), data->validation.count(), data->test.count(),
                             ProbeImages::firstOf(data->validation), ProbeImages::firstOf(data->validation, RobustnessPanel::kEvalImages));

        Trainer trainer(c, data);
        if (!m_job.resumeFrom.isEmpty())
            trainer.resumeFrom(m_job.resumeFrom);
        m_snapshots->publish(trainer.snapshot());
        Q_EMIT snapshotPublished();
        if (!m_control->stopRequested()) {
            SignalObserver observer(*this, trainer, *m_snapshots, m_job.autosavePath);
            const Trainer::Outcome outcome = trainer.run(observer, *m_control);
            if (outcome.failed && !m_job.autosavePath.isEmpty())
                trainer.saveCheckpoint(m_job.autosavePath); // the last good weights, for the explorer and export
        } else {
            Q_EMIT finished(TrainingSummary{trainer.completedEpochs(), 0, 0.0, true, false, 0.0});
        }
    } catch (const std::exception &e) {
        Q_EMIT failed(describeError(e));
    }
    Q_EMIT done();
}

} // namespace aestudio
