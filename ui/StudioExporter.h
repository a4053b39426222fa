// Writes what the studio shows: charts as PNG (2x the device pixel ratio) and SVG, grids as PNG, metrics as CSV,
// and all of it at once into a folder: the run folder's own files (the same layout as every run folder) plus the
// studio's views. Every write is atomic and checked (AtomicFile).
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
    const LiveChart *robustnessChart = nullptr; // with robustnessCsv, when a curve was measured
    QByteArray robustnessCsv;
    QImage epochStrip; // every stored epoch's reconstructions, when the run kept them
    QString runFolder; // its config.json, metrics.csv, checkpoint.aes, best.aes, grid.png, run.json, label.json
};
// Returns the file names written. Throws StudioError when there is no run folder yet, WriteError when a write fails.
QStringList all(const Everything &what, const QString &folder);

} // namespace StudioExporter
} // namespace aestudio
