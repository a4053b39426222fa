#include "LatentScatter.h"

#include <QMouseEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace aestudio {

LatentScatter::LatentScatter(QWidget *parent) : QWidget(parent)
{
    setMouseTracking(true);
    setMinimumSize(280, 240);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

QColor LatentScatter::classColor(int label)
{
    // Tableau-10: ten classes told apart at a glance; further labels cycle.
    static const QRgb palette[]
        = {0x4e79a7, 0xf28e2b, 0xe15759, 0x76b7b2, 0x59a14f, 0xedc948, 0xb07aa1, 0xff9da7, 0x9c755f, 0xbab0ac};
    return QColor(palette[label % 10]);
}

void LatentScatter::setPoints(std::vector<float> points, std::vector<std::uint8_t> labels, QStringList classNames)
{
    m_points = std::move(points);
    m_labels = std::move(labels);
    m_classes = std::move(classNames);
    float x0 = 0, x1 = 0, y0 = 0, y1 = 0;
    for (std::size_t i = 0; i + 1 < m_points.size(); i += 2) {
        x0 = i == 0 ? m_points[i] : std::min(x0, m_points[i]);
        x1 = i == 0 ? m_points[i] : std::max(x1, m_points[i]);
        y0 = i == 0 ? m_points[i + 1] : std::min(y0, m_points[i + 1]);
        y1 = i == 0 ? m_points[i + 1] : std::max(y1, m_points[i + 1]);
    }
    // A margin, so the space just beyond the data can be explored too.
    const double mx = std::max(1e-3, 0.08 * double(x1 - x0)), my = std::max(1e-3, 0.08 * double(y1 - y0));
    m_range = QRectF(QPointF(x0 - mx, y0 - my), QPointF(x1 + mx, y1 + my));
    m_dots = QImage();
    update();
}

// The dots, drawn once per data and size: 10,000 antialiased dots take tens of milliseconds, too long to redo on
// every pick. Smaller and lighter when there are many, so clusters read as densities.
void LatentScatter::paintDots(QPainter &p) const
{
    const qreal dpr = devicePixelRatioF();
    if (m_dots.size() != size() * dpr) {
        m_dots = QImage(size() * dpr, QImage::Format_ARGB32_Premultiplied);
        m_dots.setDevicePixelRatio(dpr);
        m_dots.fill(Qt::transparent);
        QPainter dots(&m_dots);
        dots.setRenderHint(QPainter::Antialiasing);
        dots.setPen(Qt::NoPen);
        const bool many = pointCount() > 2000;
        const double radius = many ? 1.6 : 2.5;
        for (int i = 0; i < pointCount(); ++i) {
            QColor c = classColor(m_labels[std::size_t(i)]);
            c.setAlpha(many ? 120 : 170);
            dots.setBrush(c);
            dots.drawEllipse(toWidget(m_points[std::size_t(2 * i)], m_points[std::size_t(2 * i + 1)]), radius, radius);
        }
    }
    p.drawImage(QPointF(0, 0), m_dots);
}

void LatentScatter::setPicked(int first, int second)
{
    m_picked[0] = first;
    m_picked[1] = second;
    update();
}

QRectF LatentScatter::plotRect() const
{
    return QRectF(rect()).adjusted(8, 8, -130, -8); // the legend sits on the right
}

QPointF LatentScatter::toWidget(double pc1, double pc2) const
{
    const QRectF r = plotRect();
    if (m_range.width() <= 0 || m_range.height() <= 0)
        return r.center();
    return {r.left() + (pc1 - m_range.left()) / m_range.width() * r.width(),
            r.bottom() - (pc2 - m_range.top()) / m_range.height() * r.height()};
}

QPointF LatentScatter::toPlane(const QPointF &p) const
{
    const QRectF r = plotRect();
    return {m_range.left() + (p.x() - r.left()) / std::max(1.0, r.width()) * m_range.width(),
            m_range.top() + (r.bottom() - p.y()) / std::max(1.0, r.height()) * m_range.height()};
}

int LatentScatter::nearestPoint(const QPointF &pos, double maxPixels) const
{
    int best = -1;
    double bestD = maxPixels * maxPixels;
    for (int i = 0; i < pointCount(); ++i) {
        const QPointF w = toWidget(m_points[std::size_t(2 * i)], m_points[std::size_t(2 * i + 1)]);
        const double d = (w.x() - pos.x()) * (w.x() - pos.x()) + (w.y() - pos.y()) * (w.y() - pos.y());
        if (d <= bestD) {
            bestD = d;
            best = i;
        }
    }
    return best;
}

void LatentScatter::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), Qt::white);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF r = plotRect();
    p.setPen(QColor(200, 200, 200));
    p.drawRect(r);
    if (m_labels.empty()) {
        p.setPen(QColor(120, 120, 120));
        p.drawText(r, Qt::AlignCenter, tr("Train or open a model to see its latent space"));
        return;
    }
    paintDots(p);
    p.setBrush(Qt::NoBrush);
    for (int k = 0; k < 2; ++k)
        if (m_picked[k] >= 0 && m_picked[k] < pointCount()) {
            p.setPen(QPen(Qt::black, 2));
            p.drawEllipse(toWidget(m_points[std::size_t(2 * m_picked[k])], m_points[std::size_t(2 * m_picked[k] + 1)]),
                          6, 6);
            p.drawText(toWidget(m_points[std::size_t(2 * m_picked[k])], m_points[std::size_t(2 * m_picked[k] + 1)])
                           + QPointF(8, -6),
                       k == 0 ? QStringLiteral("A") : QStringLiteral("B"));
        }
    // The legend: every class present, by name.
    int maxLabel = 0;
    for (std::uint8_t l : m_labels)
        maxLabel = std::max(maxLabel, int(l));
    p.setRenderHint(QPainter::Antialiasing, false);
    for (int l = 0; l <= maxLabel && l < 40; ++l) {
        const QPointF at(r.right() + 12, r.top() + 6 + l * 18);
        p.setPen(Qt::NoPen);
        p.setBrush(classColor(l));
        p.drawRect(QRectF(at, QSizeF(10, 10)));
        p.setPen(Qt::black);
        p.drawText(at + QPointF(16, 10), m_classes.value(l, QString::number(l)));
    }
}

void LatentScatter::mouseMoveEvent(QMouseEvent *e)
{
    if (m_labels.empty() || !plotRect().contains(e->position()))
        return;
    const int i = nearestPoint(e->position());
    if (i >= 0) {
        Q_EMIT hoveredPoint(i);
        return;
    }
    const QPointF plane = toPlane(e->position());
    Q_EMIT hoveredPlane(plane.x(), plane.y());
}

void LatentScatter::mousePressEvent(QMouseEvent *e)
{
    const int i = nearestPoint(e->position());
    if (i >= 0)
        Q_EMIT clickedPoint(i);
}

} // namespace aestudio
