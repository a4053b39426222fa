// Runs noise-explorer previews off the GUI thread (QtConcurrent) on an immutable model snapshot. Only one job runs
// at a time; a request made meanwhile replaces any queued one, and results older than the newest request are dropped.
#pragma once

#include "StudioTypes.h"

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QObject>

#include <memory>
#include <optional>

namespace aestudio {

class PreviewRunner : public QObject {
    Q_OBJECT
public:
    static constexpr int kColumns = 8;   // probe images per grid row (16 probes: two rows)
    static constexpr int kScale = 2;

    explicit PreviewRunner(QObject *parent = nullptr);
    ~PreviewRunner() override;

    void request(std::shared_ptr<const InferenceModel> model, const ProbeImages &probes, const NoiseSpec &noise);
    bool busy() const;
    // Builds the three grids; pure, so tests and exports can call it directly.
    static PreviewResult compute(const InferenceModel &model, const ProbeImages &probes, const NoiseSpec &noise);

Q_SIGNALS:
    void ready(const aestudio::PreviewResult &result);

private:
    struct Request {
        std::shared_ptr<const InferenceModel> model;
        ProbeImages probes;
        NoiseSpec noise;
        quint64 generation = 0;
        qint64 requestedAtMs = 0;
    };
    void launch(Request r);
    void onFinished();

    QFutureWatcher<PreviewResult> m_watcher;
    std::optional<Request> m_queued;
    quint64 m_generation = 0;        // of the newest request
    quint64 m_runningGeneration = 0;
    QElapsedTimer m_clock;
};

} // namespace aestudio
