// Runs noise-explorer previews off the GUI thread (BackgroundJob) on an immutable model snapshot, or on no model
// at all: before anything has trained, the grids show the probes and their noisy versions. The newest request wins;
// a request that is already stale when its turn comes is skipped, and older results are dropped.
#pragma once

#include "BackgroundJob.h"
#include "StudioTypes.h"

#include <QElapsedTimer>
#include <QObject>

#include <memory>

namespace aestudio {

class PreviewRunner : public QObject {
    Q_OBJECT
public:
    static constexpr int kColumns = 8; // probe images per grid row (16 probes: two rows)
    static constexpr int kScale = 2;

    explicit PreviewRunner(QObject *parent = nullptr);

    // `model` may be null (no reconstruction row then).
    void request(std::shared_ptr<const InferenceModel> model, const ProbeImages &probes, const NoiseSpec &noise);
    // Builds the grids; pure, so tests and exports can call it directly.
    static PreviewResult compute(const InferenceModel *model, const ProbeImages &probes, const NoiseSpec &noise);
    // The grids of a reconstruction made elsewhere (a stored epoch's snapshot).
    static PreviewResult ofReconstruction(const Reconstruction &r, const NoiseSpec &noise);

Q_SIGNALS:
    void ready(const aestudio::PreviewResult &result);
    void failed(const QString &message); // the grids keep their last good images

private:
    QElapsedTimer m_clock;
    BackgroundJob m_job{this};
};

} // namespace aestudio
