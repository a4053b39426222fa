#include "StudioExporter.h"

#include "Errors.h"
#include "LiveChart.h"
#include "RunFiles.h"

#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QJsonObject>

namespace aestudio {

void StudioExporter::chartPng(const LiveChart &chart, const QString &path)
{
    RunFiles::writeImage(path, chart.toImage(2.0 * chart.devicePixelRatioF()));
}

void StudioExporter::chartSvg(const LiveChart &chart, const QString &path)
{
    RunFiles::writeFile(path, chart.toSvg());
}

void StudioExporter::image(const QImage &img, const QString &path)
{
    if (img.isNull())
        throw StudioError(QStringLiteral("%1: there is no image to export yet").arg(path));
    RunFiles::writeImage(path, img);
}

void StudioExporter::metricsCsv(const QVector<EpochMetrics> &history, const QString &path)
{
    RunFiles::writeFile(path, RunFiles::metricsCsv(history));
}

QStringList StudioExporter::all(const Everything &w, const QString &folder)
{
    if (!QDir().mkpath(folder))
        throw StudioError(QStringLiteral("%1: cannot create the folder").arg(folder));
    const QDir dir(folder);
    QStringList written;
    auto put = [&](const QString &name, auto &&write) {
        write(dir.filePath(name));
        written << name;
    };
    if (w.lossChart) {
        put(QStringLiteral("loss.png"), [&](const QString &p) { chartPng(*w.lossChart, p); });
        put(QStringLiteral("loss.svg"), [&](const QString &p) { chartSvg(*w.lossChart, p); });
    }
    if (w.psnrChart) {
        put(QStringLiteral("psnr.png"), [&](const QString &p) { chartPng(*w.psnrChart, p); });
        put(QStringLiteral("psnr.svg"), [&](const QString &p) { chartSvg(*w.psnrChart, p); });
    }
    if (!w.original.isNull()) {
        put(QStringLiteral("grid-original.png"), [&](const QString &p) { image(w.original, p); });
        put(QStringLiteral("grid-noisy.png"), [&](const QString &p) { image(w.noisy, p); });
        put(QStringLiteral("grid-reconstructed.png"), [&](const QString &p) { image(w.reconstructed, p); });
        put(QStringLiteral("grids.png"), [&](const QString &p) { image(w.stacked, p); });
    }
    put(QStringLiteral("metrics.csv"), [&](const QString &p) { metricsCsv(w.history, p); });
    put(QStringLiteral("config.json"), [&](const QString &p) { RunFiles::writeJson(p, w.config); });
    if (!w.checkpoint.isEmpty() && QFile::exists(w.checkpoint)) {
        put(QStringLiteral("checkpoint.aes"), [&](const QString &p) {
            QFile in(w.checkpoint);
            if (!in.open(QIODevice::ReadOnly))
                throw StudioError(QStringLiteral("%1: cannot read").arg(w.checkpoint));
            RunFiles::writeFile(p, in.readAll());
        });
    }
    return written;
}

} // namespace aestudio
