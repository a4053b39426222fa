#include "RobustnessCurve.h"

#include "Errors.h"

#include "LinePlot.h"

#include <algorithm>

namespace aestudio {

RobustnessCurve RobustnessCurve::measure(const InferenceModel &model, const ImageSet &images, NoiseType type, int count,
                                         double maxLevel, std::uint64_t seed)
{
    if (count < 2)
        throw ConfigError(QStringLiteral("a robustness curve needs at least 2 points, not %1").arg(count));
    RobustnessCurve curve;
    for (int i = 0; i < count; ++i) {
        const double level = maxLevel * i / (count - 1);
        const QualityMetrics m = model.evaluate(images, NoiseSpec{type, level}, seed);
        // At level 0 the noisy input equals the clean image; its PSNR is the 100 dB floor, not a measurement.
        curve.points.append({level, m.psnrMeanDb, m.psnrGlobalDb, level > 0 ? m.noisyPsnrMeanDb : 0.0});
    }
    return curve;
}

QByteArray RobustnessCurve::toCsv() const
{
    QByteArray csv = "level,psnr_mean_db,psnr_global_db,noisy_psnr_mean_db\n";
    for (const RobustnessPoint &p : points)
        csv += QByteArray::number(p.level, 'f', 4) + ',' + QByteArray::number(p.psnrDb, 'f', 4) + ','
            + QByteArray::number(p.psnrGlobalDb, 'f', 4) + ','
            + (p.level > 0 ? QByteArray::number(p.noisyPsnrDb, 'f', 4) : QByteArray()) + '\n';
    return csv;
}

QImage RobustnessCurve::plot(const QVector<RobustnessCurve> &curves, const QString &xLabel, double markerLevel,
                             QSize size)
{
    LinePlot plot;
    plot.xLabel = xLabel;
    plot.yLabel = QStringLiteral("PSNR (dB)");
    plot.fontPoints = 9;
    for (int ci = 0; ci < curves.size(); ++ci) {
        PlotSeries s{curves[ci].label, {}, LinePlot::colour(ci), Qt::SolidLine, 2.0};
        for (const RobustnessPoint &pt : curves[ci].points)
            s.points.append({pt.level, pt.psnrDb});
        plot.series.append(s);
    }
    if (!curves.isEmpty()) {
        // At level 0 the noisy input is the clean image (no measurement); the reference line starts after it.
        PlotSeries noisy{QStringLiteral("noisy input"), {}, QColor(136, 138, 133), Qt::DashLine, 1.2};
        for (const RobustnessPoint &pt : curves.first().points)
            if (pt.level > 0)
                noisy.points.append({pt.level, pt.noisyPsnrDb});
        plot.series.append(noisy);
    }
    plot.markerX = markerLevel;
    constexpr double kPixelsPerPoint = 1.5;
    QImage img = plot.image(QSizeF(size) / kPixelsPerPoint, kPixelsPerPoint);
    return img.size() == size ? img : img.copy(QRect(QPoint(0, 0), size));
}

} // namespace aestudio
