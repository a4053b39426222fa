// Writes what the studio shows: charts as PNG (2x the device pixel ratio) and SVG, grids as PNG, metrics as CSV,
// and all of it at once into a folder. Every write goes through QSaveFile (RunFiles).
#pragma once

#include "TrainingTypes.h"

#include <QImage>
#include <QStringList>

namespace aestudio {

class LiveChart;

namespace StudioExporter {

void chartPng(const LiveChart &chart, const QString &path);
void chartSvg(const LiveChart &chart, const QString &path);
void image(const QImage &image, const QString &path);
void metricsCsv(const QVector<EpochMetrics> &history, const QString &path);

struct Everything {
    const LiveChart *lossChart = nullptr;
    const LiveChart *psnrChart = nullptr;
    QImage original, noisy, reconstructed, stacked;
    QVector<EpochMetrics> history;
    QString checkpoint; // copied when present
    QJsonObject config;
};
// Returns the file names written.
QStringList all(const Everything &what, const QString &folder);

} // namespace StudioExporter
} // namespace aestudio
