#include "StudioExporter.h"
#include "AtomicFile.h"

#include "Errors.h"
#include "LiveChart.h"
#include "RunFiles.h"
#include "RunRecord.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QGuiApplication>

namespace aestudio {

void StudioExporter::chartPng(const LiveChart &chart, const QString &path)
{
    AtomicFile::writeImage(path, chart.toImage(2.0 * chart.devicePixelRatioF()));
}

void StudioExporter::chartSvg(const LiveChart &chart, const QString &path)
{
    AtomicFile::write(path, chart.toSvg());
}

void StudioExporter::image(const QImage &img, const QString &path)
{
    if (img.isNull())
        throw StudioError(QStringLiteral("%1: there is no image to export yet").arg(path));
    AtomicFile::writeImage(path, img);
}

void StudioExporter::metricsCsv(const QVector<EpochMetrics> &history, const QString &path)
{
    AtomicFile::write(path, RunFiles::metricsCsv(history));
}

QStringList StudioExporter::all(const Everything &w, const QString &folder)
{
    if (w.runFolder.isEmpty() || !RunRecord::looksLikeRun(w.runFolder))
        throw StudioError(QStringLiteral("There is no run to export yet: train or open a run first."));
    if (!QDir().mkpath(folder))
        throw WriteError(QStringLiteral("%1: cannot create the folder").arg(folder));
    const QDir dir(folder);
    QStringList written;
    auto put = [&](const QString &name, auto &&write) {
        write(dir.filePath(name));
        written << name;
    };
    // The run folder's layout first, byte for byte.
    const QDir run(w.runFolder);
    for (const char *file :
         {"config.json", "metrics.csv", "checkpoint.aes", "best.aes", "grid.png", "run.json", "label.json"}) {
        const QString name = QString::fromLatin1(file);
        if (!run.exists(name) || QFileInfo(run.filePath(name)) == QFileInfo(dir.filePath(name)))
            continue;
        put(name, [&](const QString &p) {
            QFile in(run.filePath(name));
            if (!in.open(QIODevice::ReadOnly))
                throw StudioError(QStringLiteral("%1: cannot read (%2)").arg(in.fileName(), in.errorString()));
            AtomicFile::write(p, in.readAll());
        });
    }
    if (w.lossChart) {
        put(QStringLiteral("loss.png"), [&](const QString &p) { chartPng(*w.lossChart, p); });
        put(QStringLiteral("loss.svg"), [&](const QString &p) { chartSvg(*w.lossChart, p); });
    }
    if (w.psnrChart) {
        put(QStringLiteral("psnr.png"), [&](const QString &p) { chartPng(*w.psnrChart, p); });
        put(QStringLiteral("psnr.svg"), [&](const QString &p) { chartSvg(*w.psnrChart, p); });
    }
    if (w.robustnessChart) {
        put(QStringLiteral("robustness.png"), [&](const QString &p) { chartPng(*w.robustnessChart, p); });
        put(QStringLiteral("robustness.svg"), [&](const QString &p) { chartSvg(*w.robustnessChart, p); });
        put(QStringLiteral("robustness.csv"), [&](const QString &p) { AtomicFile::write(p, w.robustnessCsv); });
    }
    if (!w.original.isNull()) { // the noise explorer's view, at its current σ
        put(QStringLiteral("grid-original.png"), [&](const QString &p) { image(w.original, p); });
        put(QStringLiteral("grid-noisy.png"), [&](const QString &p) { image(w.noisy, p); });
        if (!w.reconstructed.isNull())
            put(QStringLiteral("grid-reconstructed.png"), [&](const QString &p) { image(w.reconstructed, p); });
        put(QStringLiteral("grid-explorer.png"), [&](const QString &p) { image(w.stacked, p); });
    }
    if (!w.epochStrip.isNull())
        put(QStringLiteral("epochs.png"), [&](const QString &p) { image(w.epochStrip, p); });
    return written;
}

} // namespace aestudio
