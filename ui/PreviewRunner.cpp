#include "PreviewRunner.h"

#include "Errors.h"
#include "ImageGrid.h"
#include "RunDirectory.h"
#include "SystemInfo.h"

#include <QtConcurrent/QtConcurrentRun>

namespace aestudio {
namespace {

QImage gridOf(const std::vector<float> &images, int count, int columns)
{
    std::vector<const float *> rows;
    for (int start = 0; start < count; start += columns)
        rows.push_back(images.data() + std::size_t(start) * kPixelsPerImage);
    return ImageGrid::render(rows, std::min(columns, count), PreviewRunner::kScale);
}

} // namespace

PreviewRunner::PreviewRunner(QObject *parent) : QObject(parent)
{
    m_clock.start();
    connect(&m_watcher, &QFutureWatcher<PreviewResult>::finished, this, &PreviewRunner::onFinished);
}

PreviewRunner::~PreviewRunner()
{
    m_watcher.waitForFinished();
}

bool PreviewRunner::busy() const
{
    return m_watcher.isRunning();
}

PreviewResult PreviewRunner::compute(const InferenceModel &model, const ProbeImages &probes, const NoiseSpec &noise)
{
    const Reconstruction r = model.reconstruct(probes.pixels.data(), probes.count, noise, RunDirectory::kProbeNoiseSeed);
    PreviewResult out;
    out.columns = kColumns;
    out.original = gridOf(r.clean, r.count, kColumns);
    out.noisy = gridOf(r.noisy, r.count, kColumns);
    out.reconstructed = gridOf(r.reconstructed, r.count, kColumns);
    out.psnrDb = r.psnrDb;
    out.noisyPsnrDb = r.noisyPsnrDb;
    out.metrics = r.metrics;
    out.noise = noise;
    return out;
}

void PreviewRunner::request(std::shared_ptr<const InferenceModel> model, const ProbeImages &probes,
                            const NoiseSpec &noise)
{
    if (!model || probes.isEmpty())
        return;
    Request r{std::move(model), probes, noise, ++m_generation, m_clock.elapsed()};
    if (m_watcher.isRunning()) {
        m_queued = std::move(r); // the newest request wins; an older queued one is simply replaced
        return;
    }
    launch(std::move(r));
}

void PreviewRunner::launch(Request r)
{
    m_runningGeneration = r.generation;
    const qint64 at = r.requestedAtMs;
    m_watcher.setFuture(QtConcurrent::run([r = std::move(r), at]() {
        PreviewResult result;
        SystemInfo::setThreadsForCallingThread(1);
        try {
            result = compute(*r.model, r.probes, r.noise);
        } catch (const std::exception &e) {
            qWarning("preview failed: %s", qPrintable(describeError(e))); // the grids keep their last good images
        }
        result.requestedAtMs = at;
        return result;
    }));
}

void PreviewRunner::onFinished()
{
    const bool current = m_runningGeneration == m_generation;
    if (current && m_watcher.result().columns > 0)
        Q_EMIT ready(m_watcher.result());
    if (m_queued) {
        Request next = std::move(*m_queued);
        m_queued.reset();
        launch(std::move(next));
    }
}

} // namespace aestudio
