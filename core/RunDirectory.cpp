#include "RunDirectory.h"

#include "Errors.h"
#include "ImageGrid.h"
#include "RunFiles.h"
#include "SystemInfo.h"

#include <QDir>

namespace aestudio {

RunDirectory::RunDirectory(const QString &path) : m_path(QDir(path).absolutePath())
{
    if (!QDir().mkpath(m_path))
        throw StudioError(QStringLiteral("%1: cannot create the output folder").arg(m_path));
}

QString RunDirectory::file(const QString &name) const
{
    return QDir(m_path).filePath(name);
}

void RunDirectory::writeRecipe(const Trainer &trainer) const
{
    QJsonObject system = SystemInfo::collect().toJson();
    system.insert(QStringLiteral("device"), trainer.deviceName());
    RunFiles::writeJson(file(QStringLiteral("config.json")), RunFiles::recipe(trainer.config(), trainer.data(), system));
}

void RunDirectory::writeProgress(const Trainer &trainer) const
{
    RunFiles::writeFile(file(QStringLiteral("metrics.csv")), RunFiles::metricsCsv(trainer.history()));
    trainer.saveCheckpoint(file(QStringLiteral("checkpoint.aes")));
    trainer.saveBestCheckpoint(file(QStringLiteral("best.aes")));
}

void RunDirectory::writeGrid(const Trainer &trainer) const
{
    const auto model = trainer.snapshot();
    const Reconstruction r = probe(*model, trainer.data().validation, trainer.config().noise);
    RunFiles::writeImage(file(QStringLiteral("grid.png")), gridImage(r));
}

Reconstruction RunDirectory::probe(const InferenceModel &model, const ImageSet &images, const NoiseSpec &noise,
                                   int columns)
{
    return model.reconstruct(images.pixels.data(), std::min(columns, images.count()), noise, kProbeNoiseSeed);
}

QImage RunDirectory::gridImage(const Reconstruction &r, int scale)
{
    return ImageGrid::render({r.clean.data(), r.noisy.data(), r.reconstructed.data()}, r.count, scale);
}

} // namespace aestudio
