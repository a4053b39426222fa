#include "LinePlot.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>
#include <limits>

namespace aestudio {

QVector<double> niceTicks(double lo, double hi, int target, bool integers)
{
    if (!std::isfinite(lo) || !std::isfinite(hi))
        return {};
    if (hi <= lo)
        hi = lo + (integers ? 1.0 : std::max(1e-9, std::abs(lo) * 0.1));
    const double raw = (hi - lo) / std::max(1, target);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    double step = magnitude;
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * magnitude >= raw) {
            step = m * magnitude;
            break;
        }
    if (integers)
        step = std::max(1.0, std::round(step));
    QVector<double> ticks;
    // From the last tick at or below lo to the first at or above hi, so the data never touches the frame's edge.
    const double first = std::floor(lo / step + 1e-9) * step;
    for (double t = first; ticks.size() < 100; t += step) {
        ticks.append(std::abs(t) < step * 1e-9 ? 0.0 : t);
        if (t >= hi - step * 1e-9)
            break;
    }
    return ticks;
}

QColor LinePlot::colour(int index)
{
    static const QColor colours[] = {QColor(52, 101, 164), QColor(245, 121, 0),  QColor(78, 154, 6),
                                     QColor(117, 80, 123), QColor(193, 125, 17), QColor(6, 152, 154)};
    return colours[std::size_t(std::max(0, index)) % std::size(colours)];
}

void LinePlot::paint(QPainter &p, const QRectF &rect) const
{
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    QFont font = p.font();
    font.setPointSizeF(fontPoints);
    p.setFont(font);
    const QFontMetricsF fm(font, p.device());
    const double line = fm.height();

    double xMin = std::numeric_limits<double>::max(), xMax = -xMin, yMin = xMin, yMax = -xMin;
    for (const PlotSeries &s : series)
        for (const QPointF &pt : s.points) {
            if (!std::isfinite(pt.x()) || !std::isfinite(pt.y()))
                continue;
            xMin = std::min(xMin, pt.x());
            xMax = std::max(xMax, pt.x());
            yMin = std::min(yMin, pt.y());
            yMax = std::max(yMax, pt.y());
        }
    const bool empty = xMin > xMax;
    if (empty)
        xMin = yMin = 0, xMax = yMax = 1;
    const QVector<double> yTicks = niceTicks(yMin, yMax, 5);
    const QVector<double> xTicks = this->xTicks.isEmpty() ? niceTicks(xMin, xMax, 6, integerX) : this->xTicks;
    const double y0 = std::min(yMin, yTicks.value(0, yMin)), y1 = std::max(yMax, yTicks.value(yTicks.size() - 1, yMax));
    const double x0 = integerX ? xMin : std::min(xMin, xTicks.value(0, xMin));
    const double x1 = std::max(xMax, integerX ? xMax : xTicks.value(xTicks.size() - 1, xMax));
    auto label = [](double v) { return QString::number(v, 'g', 4); };
    double tickWidth = 0;
    for (double t : yTicks)
        tickWidth = std::max(tickWidth, fm.horizontalAdvance(label(t)));

    // The legend, in the emptiest corner inside the frame, on white; the marker is its last entry.
    QVector<PlotSeries> entries;
    for (const PlotSeries &s : series)
        if (!s.label.isEmpty())
            entries.append(s);
    if (markerX >= 0 && !markerLabel.isEmpty())
        entries.append({markerLabel, {}, QColor(204, 0, 0), Qt::DotLine, 0.75});
    // At most what fits beside the frame's height; the rest are counted in a last line.
    const int room = std::max(1, int((rect.height() - line * 4.5) / line));
    if (entries.size() > room) {
        const qsizetype hidden = entries.size() - (room - 1);
        entries.resize(room - 1);
        entries.append({QStringLiteral("… %1 more").arg(hidden), {}, Qt::transparent, Qt::NoPen, 0.0});
    }
    double legendWidth = 0;
    for (const PlotSeries &s : entries)
        legendWidth = std::max(legendWidth, fm.horizontalAdvance(s.label));
    const double sample = line * 1.5;
    const QSizeF legendSize(legendWidth + sample + 9, entries.size() * line + 4);
    QRectF area
        = rect.adjusted(line * 1.3 + tickWidth + 4, title.isEmpty() ? line * 0.5 : line * 1.6,
                        -line * 0.5 - (legendBeside && !entries.isEmpty() ? legendSize.width() + 6 : 0), -(line * 2.4));
    if (area.width() < 10 || area.height() < 10) {
        p.restore();
        return;
    }
    auto map = [&](double x, double y) {
        const double fx = x1 > x0 ? (x - x0) / (x1 - x0) : 0.5;
        const double fy = y1 > y0 ? (y - y0) / (y1 - y0) : 0.5;
        return QPointF(area.left() + area.width() * fx, area.bottom() - area.height() * fy);
    };

    if (!title.isEmpty()) {
        QFont bold = font;
        bold.setBold(true);
        p.setFont(bold);
        p.setPen(Qt::black);
        p.drawText(QRectF(rect.left(), rect.top(), rect.width(), line * 1.3), Qt::AlignLeft | Qt::AlignVCenter, title);
        p.setFont(font);
    }
    // Grid and tick labels.
    const QPen gridPen(QColor(225, 225, 225), 0.5);
    for (double t : yTicks) {
        if (t < y0 - 1e-12 || t > y1 + 1e-12)
            continue;
        const QPointF a = map(x0, t);
        p.setPen(gridPen);
        p.drawLine(a, map(x1, t));
        p.setPen(Qt::black);
        p.drawText(QRectF(rect.left(), a.y() - line / 2, area.left() - rect.left() - 3, line),
                   Qt::AlignRight | Qt::AlignVCenter, label(t));
    }
    for (double t : xTicks) {
        if (t < x0 - 1e-12 || t > x1 + 1e-12)
            continue;
        const QPointF a = map(t, y0);
        p.setPen(gridPen);
        p.drawLine(a, map(t, y1));
        p.setPen(Qt::black);
        p.drawText(QRectF(a.x() - 30, area.bottom() + 2, 60, line), Qt::AlignHCenter | Qt::AlignTop, label(t));
    }
    p.setPen(QPen(Qt::black, 0.75));
    p.drawRect(area);
    p.drawText(QRectF(area.left(), area.bottom() + line + 2, area.width(), line), Qt::AlignCenter, xLabel);
    p.save();
    p.translate(rect.left() + line * 0.6, area.center().y());
    p.rotate(-90);
    p.drawText(QRectF(-area.height() / 2, -line / 2, area.height(), line), Qt::AlignCenter, yLabel);
    p.restore();

    // The series, clipped to the frame.
    p.save();
    p.setClipRect(area);
    for (const PlotSeries &s : series) {
        QPainterPath path;
        bool started = false;
        for (const QPointF &pt : s.points) {
            if (!std::isfinite(pt.x()) || !std::isfinite(pt.y()))
                continue;
            const QPointF q = map(pt.x(), pt.y());
            started ? path.lineTo(q) : path.moveTo(q);
            started = true;
        }
        p.setPen(QPen(s.colour, s.width, s.style, Qt::RoundCap, Qt::RoundJoin));
        p.setBrush(Qt::NoBrush);
        p.drawPath(path);
        if (s.points.size() == 1 || markers) { // one epoch: a dot, not an invisible zero-length line
            p.setBrush(s.colour);
            for (const QPointF &pt : s.points)
                if (std::isfinite(pt.x()) && std::isfinite(pt.y()))
                    p.drawEllipse(map(pt.x(), pt.y()), s.width * 1.2, s.width * 1.2);
            p.setBrush(Qt::NoBrush);
        }
    }
    if (markerX >= 0 && !empty) {
        p.setPen(QPen(QColor(204, 0, 0), 0.75, Qt::DotLine));
        p.drawLine(map(markerX, y0), map(markerX, y1));
    }
    p.restore();

    if (!entries.isEmpty()) {
        const QSizeF size = legendSize;
        const double inset = line * 0.3;
        // The corner whose box hides the fewest data points (top right on ties).
        const QRectF corners[]
            = {QRectF(QPointF(area.right() - size.width() - inset, area.top() + inset), size),
               QRectF(QPointF(area.right() - size.width() - inset, area.bottom() - size.height() - inset), size),
               QRectF(QPointF(area.left() + inset, area.top() + inset), size),
               QRectF(QPointF(area.left() + inset, area.bottom() - size.height() - inset), size)};
        QRectF box = legendBeside ? QRectF(QPointF(area.right() + 6, area.top()), size) : corners[0];
        int fewest = std::numeric_limits<int>::max();
        for (const QRectF &c : corners) {
            if (legendBeside)
                break;
            int hidden = 0;
            for (const PlotSeries &s : series)
                for (int i = 0; i < s.points.size(); ++i) {
                    const QPointF a = map(s.points[i].x(), s.points[i].y());
                    const QPointF b = i + 1 < s.points.size() ? map(s.points[i + 1].x(), s.points[i + 1].y()) : a;
                    hidden += c.contains(a) + c.contains((a + b) / 2);
                }
            if (hidden < fewest) {
                fewest = hidden;
                box = c;
            }
        }
        p.fillRect(box, QColor(255, 255, 255, 230));
        double y = box.top() + 2;
        for (const PlotSeries &s : entries) {
            p.setPen(QPen(s.colour, s.width, s.style));
            p.drawLine(QPointF(box.left() + 3, y + line / 2), QPointF(box.left() + 3 + sample, y + line / 2));
            p.setPen(Qt::black);
            p.drawText(QRectF(box.left() + sample + 6, y, legendWidth + 2, line), Qt::AlignLeft | Qt::AlignVCenter,
                       s.label);
            y += line;
        }
    }
    p.restore();
}

QImage LinePlot::image(QSizeF size, double pixelsPerPoint) const
{
    QImage img(QSize(int(std::ceil(size.width() * pixelsPerPoint)), int(std::ceil(size.height() * pixelsPerPoint))),
               QImage::Format_RGB32);
    // 72 dots per inch: a point is a pixel before the scale below, as on the 72-dpi PDF writer.
    img.setDotsPerMeterX(2835);
    img.setDotsPerMeterY(2835);
    img.fill(Qt::white);
    QPainter p(&img);
    p.scale(pixelsPerPoint, pixelsPerPoint);
    p.setFont(QFont(QStringLiteral("DejaVu Sans")));
    paint(p, QRectF(QPointF(0, 0), size));
    return img;
}

} // namespace aestudio
