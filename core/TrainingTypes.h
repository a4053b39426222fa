// Plain data the trainer reports, the observer interface it reports through, and the stop/pause token it obeys.
// Everything here is copyable and torch-free, so the GUI can carry it across threads in queued signals.
#pragma once

#include <QJsonObject>
#include <QString>
#include <QVector>

#include <atomic>
#include <condition_variable>
#include <mutex>

namespace aestudio {

struct EpochMetrics {
    int epoch = 0; // 1-based
    double trainLoss = 0.0;
    double valLoss = 0.0;         // clean-target MSE on noisy validation inputs
    double valPsnrDb = 0.0;       // mean of per-image PSNR
    double valPsnrGlobalDb = 0.0; // 10*log10(1/valLoss)
    double noisyPsnrDb = 0.0;     // the noisy validation input itself, per-image mean
    double seconds = 0.0;         // wall time of the epoch, validation included
    double trainSeconds = 0.0;    // the optimisation loop alone, for throughput comparisons

    QJsonObject toJson() const;
    static EpochMetrics fromJson(const QJsonObject &json);
};

struct BatchProgress {
    int epoch = 0; // 1-based
    int epochs = 0;
    int batch = 0; // 1-based within the epoch
    int batches = 0;
    double loss = 0.0;         // this batch
    QVector<float> stepLosses; // every step's loss since the previous report, oldest first; ends with `loss`
    double samplesPerSecond = 0.0;
    double etaSeconds = 0.0;     // to the end of the whole run
    qint64 step = 0;             // global optimizer step, for charts
    double elapsedSeconds = 0.0; // since this run() started, pauses excluded: when the report was made
};

struct TrainingSummary {
    int epochsCompleted = 0;
    int bestEpoch = 0;
    double bestValLoss = 0.0;
    bool stopped = false;      // by the user
    bool earlyStopped = false; // by patience
    double seconds = 0.0;
};

// "4:05" or "1:02:03", for ETAs and durations in the CLI and the studio.
QString formatDuration(double seconds);

class TrainingObserver {
public:
    virtual ~TrainingObserver() = default;
    virtual void batchProgress(const BatchProgress &) { } // throttled to about every 50 ms
    virtual void epochFinished(const EpochMetrics &) { }
    virtual void trainingFinished(const TrainingSummary &) { } // not called when the run fails (see Trainer::run)
};

// Checked by the trainer every batch. Stop and pause are set from any thread.
class RunControl {
public:
    void requestStop()
    {
        m_stop = true;
        m_wake.notify_all();
    }
    bool stopRequested() const { return m_stop; }
    void setPaused(bool paused)
    {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_paused = paused;
        }
        m_wake.notify_all();
    }
    bool paused() const { return m_paused; }
    // Blocks the calling (training) thread while paused; returns at once on resume or stop.
    void waitWhilePaused()
    {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_wake.wait(lock, [this] { return !m_paused || m_stop; });
    }

private:
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_paused{false};
    std::mutex m_mutex;
    std::condition_variable m_wake;
};

} // namespace aestudio
