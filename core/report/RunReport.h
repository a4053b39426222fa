// A run's results as one document to hand in: the settings from its config.json (dataset files with SHA-256,
// library versions), loss and PSNR charts, the probe grids at the best and final epochs with their error rows, the
// robustness curve, the worst-K strip and per-class PSNR; or, for a sweep folder, the Table 1.1 pivot beside the
// seed report's numbers. Gathered once (the checkpoints re-evaluated on the validation set), then written as a PDF
// (QPdfWriter: vector charts, selectable text, fits A4 and Letter, at most 2 pages) or as one self-contained HTML
// page (PNGs inlined as data URIs). Widget-free, so `aestudio-cli report` and the studio share it.
#pragma once

#include "ErrorViews.h"
#include "LinePlot.h"
#include "RobustnessCurve.h"
#include "SeedReference.h"
#include "Sweep.h"

#include <QDateTime>
#include <QImage>
#include <QPageSize>
#include <QPair>

namespace aestudio {

struct RunReport {
    QString folder;
    QString title, subtitle;
    QDateTime created;
    QVector<QPair<QString, QString>> facts; // label, value: dataset, architecture, every setting, versions, results
    QStringList datasetFiles;               // "train-images-idx3-ubyte.gz  sha256 b0564c3e…"
    QStringList notes;                      // what could not be shown here, and why

    // A run folder.
    QVector<EpochMetrics> history;
    int bestEpoch = 0;
    struct Grid {
        QString caption;
        QImage image; // rowLabels() x probes, 28 px tiles
    };
    QVector<Grid> grids; // best epoch, then final epoch (one when they are the same)
    RobustnessCurve robustness;
    double trainingNoiseLevel = 0.0;
    QString robustnessXLabel;
    QString errorCaption;    // which model, noise and images the two views below come from
    QImage worstStrip;       // 4 rows x K, 28 px tiles
    QStringList worstLabels; // "Shirt\n9.9 dB" under each column
    QVector<ErrorViews::ClassPsnr> classes;

    // A sweep folder.
    bool isSweep = false;
    QVector<SweepResult> cells;
    SeedReference::Table seed; // empty unless every cell has a counterpart in the seed study
    QString seedReference;

    static constexpr int kDefaultWorst = 16;
    // Reads `folder` (a run or a sweep) and evaluates what the document shows; throws StudioError naming what is
    // missing. A run whose dataset is not on this machine still gets its settings, charts and stored grids.
    static RunReport fromFolder(const QString &folder, int worstK = kDefaultWorst);

    // The rows of the grids and the strip: original, noisy input (left out for a run trained on clean inputs, where it
    // equals the original), reconstruction, |error|.
    QStringList rowLabels() const;
    LinePlot lossPlot() const;
    LinePlot psnrPlot() const;
    LinePlot robustnessPlot() const;
    LinePlot sweepPlot() const; // best validation loss against latent dim, a line per model type

    // The Table 1.1 pivot as text cells: a header row, then a row per model type; `best` marks each row's lowest.
    struct Table {
        QStringList header;
        QVector<QStringList> rows;
        QVector<QVector<bool>> best;
    };
    Table pivotTable() const;
    Table cellsTable() const;         // every cell: best epoch, loss, PSNR, test PSNR, time
    QString beatenLine() const;       // "Cells lower than the seed's: 12 of 16", or empty
    QString seedProtocolNote() const; // when the cells did not train as the seed did (epochs, images), or empty

    QByteArray pdf(QPageSize::PageSizeId page = QPageSize::A4) const;
    QByteArray html() const;
    // By the suffix: .pdf or .html/.htm (anything else: ConfigError); written atomically.
    void write(const QString &path, QPageSize::PageSizeId page = QPageSize::A4) const;
};

} // namespace aestudio
