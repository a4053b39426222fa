// `embed`: the validation images' latent codes projected onto their first two principal components, as CSV, for
// plotting or a quick check of how much class information two dimensions keep.
#include "CliOptions.h"
#include "Commands.h"

#include "AtomicFile.h"
#include "Checkpoint.h"
#include "DatasetCatalog.h"
#include "Errors.h"
#include "InferenceModel.h"
#include "LatentSpace.h"

#include <QCommandLineParser>

#include <algorithm>
#include <cstdio>

namespace aestudio::cli {

int embedCommand(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Encode the validation images with a checkpoint's model, project the codes onto their first two principal "
        "components (PCA), and write index,label,pc1,pc2 per image."));
    p.addHelpOption();
    p.addOption({QStringLiteral("checkpoint"), QStringLiteral("Checkpoint file (required)."), QStringLiteral("file")});
    p.addOption({QStringLiteral("dataset"), QStringLiteral("Dataset (default: the one it was trained on)."),
                 QStringLiteral("name|path")});
    p.addOption({QStringLiteral("limit"), QStringLiteral("At most N validation images (default 10000)."),
                 QStringLiteral("N"), QStringLiteral("10000")});
    p.addOption({QStringLiteral("out"), QStringLiteral("The CSV to write (required)."), QStringLiteral("file")});
    parseArguments(p, args);
    if (!p.isSet(QStringLiteral("checkpoint")) || !p.isSet(QStringLiteral("out")))
        throw ConfigError(QStringLiteral("--checkpoint FILE and --out FILE are both required"));
    const int limit = intOption(p, QStringLiteral("limit"));
    if (limit < 2)
        throw ConfigError(QStringLiteral("--limit %1 must be at least 2").arg(limit));
    const QString out = outputFileOption(p, QStringLiteral("out"));

    const QString path = p.value(QStringLiteral("checkpoint"));
    const CheckpointInfo info = Checkpoint::readInfo(path);
    const QString dataset
        = p.isSet(QStringLiteral("dataset")) ? p.value(QStringLiteral("dataset")) : info.config.dataset;
    const auto model = InferenceModel::fromCheckpoint(path);
    const DatasetSplit data = DatasetCatalog::load(dataset, SplitOptions::of(info.config));
    const int n = std::min(limit, data.validation.count());
    const std::vector<float> codes = model->encode(data.validation.pixels.data(), n);
    const LatentProjection proj = LatentSpace::project(codes, n, model->latentDim());

    QByteArray csv = "index,label,pc1,pc2\n";
    csv.reserve(n * 32);
    for (int i = 0; i < n; ++i)
        csv += QByteArray::number(i) + ',' + QByteArray::number(data.validation.labels[std::size_t(i)]) + ','
            + QByteArray::number(proj.points[std::size_t(2 * i)], 'g', 7) + ','
            + QByteArray::number(proj.points[std::size_t(2 * i + 1)], 'g', 7) + '\n';
    AtomicFile::write(out, csv);

    const double largest = *std::max_element(proj.dimVariance.begin(), proj.dimVariance.end());
    const auto used = std::count_if(proj.dimVariance.begin(), proj.dimVariance.end(),
                                    [largest](double v) { return v > 0.01 * largest; });
    std::printf("%d validation images of %s encoded by %s (epoch %d)\n", n, qPrintable(data.name),
                qPrintable(info.architecture), info.epoch);
    std::printf("explained variance: PC1 %.4f, PC2 %.4f (together %.4f)\n", proj.explained[0], proj.explained[1],
                proj.explained[0] + proj.explained[1]);
    std::printf("latent dimensions in use: %ld of %d (variance above 1%% of the largest)\n", long(used), proj.dim);
    std::printf("points written to %s\n", qPrintable(out));
    return 0;
}

} // namespace aestudio::cli
