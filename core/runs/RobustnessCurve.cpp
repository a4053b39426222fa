#include "RobustnessCurve.h"

#include "Errors.h"

#include <QPainter>
#include <QPainterPath>

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

namespace {

// The plot's data range and where it lands in the image.
struct PlotFrame {
    QRectF area;
    double xMax = 1, yMin = 0, yMax = 1;
    QPointF map(double x, double y) const
    {
        return QPointF(area.left() + area.width() * x / xMax,
                       area.bottom() - area.height() * (y - yMin) / (yMax - yMin));
    }
};

void drawAxes(QPainter &p, const PlotFrame &f, const QString &xLabel)
{
    p.setPen(QColor(220, 220, 220));
    for (double y = f.yMin; y <= f.yMax + 1e-9; y += 2) {
        p.drawLine(f.map(0, y), f.map(f.xMax, y));
        p.setPen(Qt::black);
        p.drawText(QRectF(0, f.map(0, y).y() - 8, f.area.left() - 6, 16), Qt::AlignRight | Qt::AlignVCenter,
                   QString::number(y));
        p.setPen(QColor(220, 220, 220));
    }
    p.setPen(Qt::black);
    p.drawRect(f.area);
    for (int i = 0; i <= 10; ++i) {
        const double x = f.xMax * i / 10;
        p.drawText(QRectF(f.map(x, f.yMin).x() - 20, f.area.bottom() + 4, 40, 16), Qt::AlignCenter,
                   QString::number(x, 'g', 2));
    }
    p.drawText(QRectF(f.area.left(), f.area.bottom() + 24, f.area.width(), 18), Qt::AlignCenter, xLabel);
    p.save();
    p.translate(16, f.area.center().y());
    p.rotate(-90);
    p.drawText(QRectF(-100, -10, 200, 20), Qt::AlignCenter, QStringLiteral("PSNR (dB)"));
    p.restore();
}

} // namespace

QImage RobustnessCurve::plot(const QVector<RobustnessCurve> &curves, const QString &xLabel, double markerLevel,
                             QSize size)
{
    QImage img(size, QImage::Format_RGB32);
    img.fill(Qt::white);
    QPainter p(&img);
    p.setRenderHint(QPainter::Antialiasing);
    PlotFrame frame;
    frame.area = QRectF(70, 30, size.width() - 100, size.height() - 90);
    double yMin = 1e9, yMax = -1e9, xMax = 0;
    for (const auto &c : curves)
        for (const auto &pt : c.points) {
            yMin = std::min({yMin, pt.psnrDb, pt.level > 0 ? pt.noisyPsnrDb : yMin});
            yMax = std::max(yMax, pt.psnrDb);
            xMax = std::max(xMax, pt.level);
        }
    if (yMin > yMax)
        return img;
    frame.yMin = std::floor(yMin / 2) * 2;
    frame.yMax = std::ceil(yMax / 2) * 2 + 1;
    frame.xMax = std::max(xMax, 1e-9);
    const QRectF area = frame.area;
    auto map = [&frame](double x, double y) { return frame.map(x, y); };
    drawAxes(p, frame, xLabel);

    p.setClipRect(area); // curves leave the visible range (noisy input at sigma 0.1 is above the top)
    static const QColor colours[] = {QColor(52, 101, 164), QColor(204, 0, 0),   QColor(78, 154, 6),
                                     QColor(117, 80, 123), QColor(245, 121, 0), QColor(193, 125, 17)};
    int legendY = int(area.top()) + 8;
    auto legend = [&](const QString &text, const QPen &pen) {
        p.setPen(pen);
        p.setClipping(false);
        p.fillRect(QRectF(area.right() - 330, legendY - 2, 325, 18), Qt::white);
        p.drawLine(QPointF(area.right() - 325, legendY + 6), QPointF(area.right() - 295, legendY + 6));
        p.setPen(Qt::black);
        p.drawText(QPointF(area.right() - 289, legendY + 11), text);
        p.setClipRect(area);
        legendY += 18;
    };
    for (int ci = 0; ci < curves.size(); ++ci) {
        QPainterPath path;
        for (int i = 0; i < curves[ci].points.size(); ++i) {
            const QPointF pt = map(curves[ci].points[i].level, curves[ci].points[i].psnrDb);
            i == 0 ? path.moveTo(pt) : path.lineTo(pt);
        }
        const QPen pen(colours[ci % 6], 2.5);
        p.setPen(pen);
        p.drawPath(path);
        legend(curves[ci].label, pen);
    }
    if (!curves.isEmpty()) {
        QPainterPath noisy;
        bool started = false;
        for (const auto &pt : curves.first().points) {
            if (pt.level <= 0)
                continue;
            const QPointF q = map(pt.level, pt.noisyPsnrDb);
            started ? noisy.lineTo(q) : noisy.moveTo(q);
            started = true;
        }
        const QPen pen(QColor(136, 138, 133), 1.5, Qt::DashLine);
        p.setPen(pen);
        p.drawPath(noisy);
        legend(QStringLiteral("noisy input"), pen);
    }
    if (markerLevel >= 0) {
        p.setPen(QPen(QColor(204, 0, 0), 1, Qt::DotLine));
        p.drawLine(map(markerLevel, frame.yMin), map(markerLevel, frame.yMax));
    }
    return img;
}

} // namespace aestudio
