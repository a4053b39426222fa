// Where a model fails: the per-pixel error |x - x̂| as a heatmap in a perceptual colour map (viridis), the K
// validation images it reconstructs worst, and its mean PSNR per class. Torch-free: it works on Reconstruction's
// floats and per-image PSNR, so the studio and the CLI share it.
#pragma once

#include "InferenceModel.h"

#include <QImage>
#include <QStringList>
#include <QVector>

class QPainter;
class QRectF;

namespace aestudio::ErrorViews {

// Errors at or above this draw in the map's top colour; the colour bar says so.
constexpr float kHeatmapMax = 0.5f;

// Viridis (the matplotlib/viridisLite map) at `t` in [0, 1].
QRgb viridis(float t);
// Rows of `columns` images: each pixel |clean - reconstructed| / kHeatmapMax through viridis, scaled up
// nearest-neighbour. Missing images render as zero error.
QImage heatmap(const float *clean, const float *reconstructed, int count, int columns, int scale);
// A horizontal colour bar, width x height, from 0 (left) to kHeatmapMax (right).
QImage colourBar(int width, int height);

struct Ranked {
    int index = 0; // into the evaluated images
    double psnrDb = 0.0;
};
// The k images with the lowest PSNR, worst first (ties by index).
QVector<Ranked> worstK(const std::vector<double> &psnrDb, int k);

// The name of class `label` from `classNames`, else the label number.
QString className(int label, const QStringList &classNames);

struct ClassPsnr {
    int label = 0;
    QString name;
    int count = 0;
    double meanPsnrDb = 0.0;
};
// Mean PSNR per class present in `labels`, by label; names from `classNames` (else the label number).
QVector<ClassPsnr> perClass(const std::vector<double> &psnrDb, const std::vector<std::uint8_t> &labels,
                            const QStringList &classNames);
QByteArray perClassCsv(const QVector<ClassPsnr> &classes); // label,class,images,mean_psnr_db

// The worst images of `r` as one column each, four rows (original, noisy input, reconstruction, error heatmap),
// scaled up `scale` times; the captions are the caller's (pixels in the studio, text in a PDF).
QImage worstStrip(const Reconstruction &r, const QVector<Ranked> &worst, int scale);
// Horizontal bars of mean PSNR, hardest class on top, with names and values; drawn in `rect` with the painter's
// font (points on a PDF, pixels on an image).
void paintClassBars(QPainter &p, const QRectF &rect, QVector<ClassPsnr> classes);

} // namespace aestudio::ErrorViews
