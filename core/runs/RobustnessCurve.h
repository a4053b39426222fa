// PSNR against evaluation noise for trained models: the robustness curve. Evaluates at evenly spaced levels,
// writes CSV, and draws a plain PNG plot (QPainter, no widgets) with the noisy-input PSNR as the reference line.
#pragma once

#include "DatasetCatalog.h"
#include "InferenceModel.h"

#include <QImage>
#include <QVector>

namespace aestudio {

struct RobustnessPoint {
    double level = 0.0;
    double psnrDb = 0.0; // mean of per-image PSNR of the reconstruction
    double psnrGlobalDb = 0.0;
    double noisyPsnrDb = 0.0; // the noisy input itself
};

struct RobustnessCurve {
    QString label;
    QVector<RobustnessPoint> points;

    // `count` levels from 0 to `maxLevel` inclusive (at least 2).
    static RobustnessCurve measure(const InferenceModel &model, const ImageSet &images, NoiseType type, int count = 11,
                                   double maxLevel = 1.0, std::uint64_t seed = 0);
    QByteArray toCsv() const;
    static QImage plot(const QVector<RobustnessCurve> &curves, const QString &xLabel, double markerLevel = -1.0,
                       QSize size = QSize(900, 560));
};

} // namespace aestudio
