#include "CliOptions.h"
#include "Commands.h"

#include "Checkpoint.h"
#include "DatasetCatalog.h"
#include "Errors.h"
#include "InferenceModel.h"
#include "RunDirectory.h"

#include <QCommandLineParser>

#include <cstdio>

namespace aestudio::cli {

int evalCommand(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Evaluate a checkpoint on the official test set."));
    p.addHelpOption();
    p.addOption({QStringLiteral("checkpoint"), QStringLiteral("Checkpoint file (required)."), QStringLiteral("file")});
    p.addOption({QStringLiteral("dataset"), QStringLiteral("Dataset (default: the one it was trained on)."),
                 QStringLiteral("name|path")});
    p.addOption({QStringLiteral("noise"), QStringLiteral("Evaluation noise level (default: the training level)."),
                 QStringLiteral("SIGMA")});
    p.addOption(
        {QStringLiteral("noise-type"), QStringLiteral("gaussian, salt-pepper or masking."), QStringLiteral("type")});
    p.addOption(
        {QStringLiteral("seed"), QStringLiteral("Noise seed (default 0)."), QStringLiteral("N"), QStringLiteral("0")});
    p.addOption(
        {QStringLiteral("grid"), QStringLiteral("Also write a 3x16 grid PNG of test images."), QStringLiteral("file")});
    parseArguments(p, args);
    if (!p.isSet(QStringLiteral("checkpoint")))
        throw ConfigError(QStringLiteral("--checkpoint FILE is required"));

    const QString grid = p.isSet(QStringLiteral("grid")) ? imageFileOption(p, QStringLiteral("grid")) : QString();
    const QString path = p.value(QStringLiteral("checkpoint"));
    const CheckpointInfo info = Checkpoint::readInfo(path);
    const QString dataset
        = p.isSet(QStringLiteral("dataset")) ? p.value(QStringLiteral("dataset")) : info.config.dataset;
    const NoiseSpec noise = noiseOptions(p, info.config.noise);
    const std::uint64_t seed = seedOption(p, QStringLiteral("seed"));
    const auto model = InferenceModel::fromCheckpoint(path);
    const DatasetSplit data = DatasetCatalog::load(dataset, SplitOptions::of(info.config));
    const QualityMetrics m = model->evaluate(data.test, noise, seed);
    std::printf("checkpoint %s: model %s, epoch %d\n", qPrintable(path), qPrintable(info.architecture), info.epoch);
    std::printf("test set %s: %d images, noise %s %.3f\n", qPrintable(data.name), m.images,
                qPrintable(noiseTypeName(noise.type)), noise.level);
    std::printf("test_mse %.6f\npsnr_mean_db %.3f\npsnr_global_db %.3f\n", m.mse, m.psnrMeanDb, m.psnrGlobalDb);
    // Without noise the input is the clean image: its PSNR is the 100 dB floor, and a "gain" over it means nothing.
    if (!noise.isClean())
        std::printf("noisy_psnr_mean_db %.3f\nnoisy_psnr_global_db %.3f\ngain_db %.3f\n", m.noisyPsnrMeanDb,
                    m.noisyPsnrGlobalDb, m.psnrMeanDb - m.noisyPsnrMeanDb);
    if (!grid.isEmpty()) {
        RunDirectory::writeProbeGrid(grid, *model, data.test, noise);
        std::printf("grid written to %s\n", qPrintable(grid));
    }
    return 0;
}

} // namespace aestudio::cli
