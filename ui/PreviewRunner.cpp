#include "PreviewRunner.h"

#include "Errors.h"
#include "ErrorViews.h"
#include "ImageGrid.h"
#include "SystemInfo.h"

namespace aestudio {
namespace {

// A split with fewer probes than a multiple of `columns` (a small imported dataset's 12 validation images) ends in
// a short row: only the images that exist are read.
QImage gridOf(const std::vector<float> &images, int count, int columns)
{
    return ImageGrid::tiles(images.data(), count, std::min(columns, count), PreviewRunner::kScale);
}

} // namespace

PreviewRunner::PreviewRunner(QObject *parent) : QObject(parent)
{
    m_clock.start();
}

PreviewResult PreviewRunner::compute(const InferenceModel *model, const ProbeImages &probes, const NoiseSpec &noise)
{
    const Reconstruction r = model
        ? model->reconstruct(probes.pixels.data(), probes.count, noise, InferenceModel::kProbeNoiseSeed)
        : InferenceModel::noiseOnly(probes.pixels.data(), probes.count, noise, InferenceModel::kProbeNoiseSeed);
    return ofReconstruction(r, noise);
}

PreviewResult PreviewRunner::ofReconstruction(const Reconstruction &r, const NoiseSpec &noise)
{
    PreviewResult out;
    out.columns = kColumns;
    out.original = gridOf(r.clean, r.count, kColumns);
    out.noisy = gridOf(r.noisy, r.count, kColumns);
    if (!r.reconstructed.empty()) {
        out.reconstructed = gridOf(r.reconstructed, r.count, kColumns);
        out.error
            = ErrorViews::heatmap(r.clean.data(), r.reconstructed.data(), r.count, std::min(kColumns, r.count), kScale);
    }
    out.psnrDb = r.psnrDb;
    out.noisyPsnrDb = r.noisyPsnrDb;
    out.metrics = r.metrics;
    out.noise = noise;
    return out;
}

void PreviewRunner::request(std::shared_ptr<const InferenceModel> model, const ProbeImages &probes,
                            const NoiseSpec &noise)
{
    if (probes.isEmpty())
        return;
    const qint64 at = m_clock.elapsed();
    m_job.start(
        [model = std::move(model), probes, noise, at](const std::function<bool()> &) {
            SystemInfo::setThreadsForCallingThread(1);
            PreviewResult result = compute(model.get(), probes, noise);
            result.requestedAtMs = at;
            return result;
        },
        [this](const PreviewResult &result) { Q_EMIT ready(result); },
        [this](const QString &message) { Q_EMIT failed(message); });
}

} // namespace aestudio
