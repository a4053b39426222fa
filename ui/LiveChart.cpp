#include "LiveChart.h"

#include "LinePlot.h"

#include <QBuffer>
#include <QFontMetrics>
#include <QLegendMarker>
#include <QLineSeries>
#include <QCategoryAxis>
#include <QMouseEvent>
#include <QPainter>
#include <QSvgGenerator>
#include <QToolTip>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>

namespace aestudio {

LiveChart::LiveChart(const QString &title, const QString &xTitle, const QString &yTitle, QWidget *parent)
    : QChartView(parent), m_x(new QValueAxis), m_yLinear(new QValueAxis), m_yLog(new QCategoryAxis)
{
    auto *c = new QChart;
    c->setTitle(title);
    c->legend()->setAlignment(Qt::AlignBottom);
    c->setMargins(QMargins(4, 4, 4, 4));
    m_x->setTitleText(xTitle);
    m_x->setLabelFormat(QStringLiteral("%.3g"));
    m_yLinear->setTitleText(yTitle);
    m_yLinear->setLabelFormat(QStringLiteral("%.4g"));
    m_yLog->setTitleText(yTitle);
    m_yLog->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    c->addAxis(m_x, Qt::AlignBottom);
    c->addAxis(m_yLinear, Qt::AlignLeft);
    setChart(c);
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(180);
    setMouseTracking(true);
}

int LiveChart::addSeries(const QString &name, const QColor &color, qreal width, bool markers)
{
    auto *s = new QLineSeries;
    s->setName(name);
    QPen pen(color);
    pen.setWidthF(width);
    s->setPen(pen);
    s->setPointsVisible(markers);
    chart()->addSeries(s);
    s->attachAxis(m_x);
    s->attachAxis(m_log ? static_cast<QAbstractAxis *>(m_yLog) : m_yLinear);
    m_series << s;
    m_points.append(QVector<QPointF>());
    m_dirty << false;
    return int(m_series.size()) - 1;
}

void LiveChart::removeAllSeries()
{
    chart()->removeAllSeries(); // deletes them
    m_series.clear();
    m_points.clear();
    m_dirty.clear();
}

void LiveChart::setSeriesStyle(int series, const QColor &color, const QString &name)
{
    QPen pen = m_series[series]->pen();
    pen.setColor(color);
    m_series[series]->setPen(pen);
    m_series[series]->setName(name);
}

void LiveChart::setSeriesInLegend(int series, bool shown)
{
    for (QLegendMarker *marker : chart()->legend()->markers(m_series[series]))
        marker->setVisible(shown);
}

bool LiveChart::seriesInLegend(int series) const
{
    const QList<QLegendMarker *> markers = chart()->legend()->markers(m_series[series]);
    return !markers.isEmpty() && markers.first()->isVisible();
}

QString LiveChart::seriesName(int series) const
{
    return m_series[series]->name();
}

QColor LiveChart::seriesColor(int series) const
{
    return m_series[series]->pen().color();
}

void LiveChart::setPoints(int series, QVector<QPointF> points)
{
    m_points[series] = std::move(points);
    m_dirty[series] = true;
}

int LiveChart::shownPointCount(int series) const
{
    return int(m_series[series]->count());
}

QVector<QPointF> LiveChart::decimate(const QVector<QPointF> &points, int maxPoints)
{
    const qsizetype n = points.size();
    const qsizetype buckets = std::max(1, maxPoints / 2);
    if (n <= maxPoints)
        return points;
    QVector<QPointF> out;
    out.reserve(2 * buckets);
    for (qsizetype b = 0; b < buckets; ++b) {
        const qsizetype begin = n * b / buckets, end = n * (b + 1) / buckets;
        qsizetype lo = begin, hi = begin;
        for (qsizetype i = begin + 1; i < end; ++i) {
            if (points[i].y() < points[lo].y())
                lo = i;
            if (points[i].y() > points[hi].y())
                hi = i;
        }
        out.append(points[std::min(lo, hi)]);
        if (hi != lo)
            out.append(points[std::max(lo, hi)]);
    }
    return out;
}

void LiveChart::flush()
{
    bool any = false;
    const int maxPoints = std::max(200, int(chart()->plotArea().width()));
    for (int i = 0; i < m_series.size(); ++i) {
        if (!m_dirty[i])
            continue;
        m_series[i]->replace(decimate(shown(m_points[i]), maxPoints));
        m_dirty[i] = false;
        any = true;
    }
    if (any)
        rescale();
}

void LiveChart::rescale()
{
    double xMin = std::numeric_limits<double>::max(), xMax = std::numeric_limits<double>::lowest();
    double yMin = xMin, yMax = xMax, yMinPositive = xMin;
    for (const auto &pts : std::as_const(m_points)) {
        for (const QPointF &p : pts) {
            if (!std::isfinite(p.y()))
                continue;
            xMin = std::min(xMin, p.x());
            xMax = std::max(xMax, p.x());
            yMin = std::min(yMin, p.y());
            yMax = std::max(yMax, p.y());
            if (p.y() > 0)
                yMinPositive = std::min(yMinPositive, p.y());
        }
    }
    if (xMin > xMax)
        return;
    // Round ticks, as many as the plot has room to label: Qt Charts draws a label that does not fit its share of the
    // axis as "...", and applyNiceNumbers() picks the count from the range alone (7 ticks on a 75-px high plot).
    const QRectF plot = chart()->plotArea();
    const int labelHeight = QFontMetrics(m_yLinear->labelsFont()).height();
    // Qt Charts gives each y label the plot's height over the tick count, less padding.
    const double plotWidth = plot.width() > 20 ? plot.width() : width() - 120;
    const double plotHeight = plot.height() > 20 ? plot.height() : height() - 90;
    const int xRoom = std::clamp(int(plotWidth / (5 * labelHeight)), 1, 10);
    const int yRoom = std::clamp(int(plotHeight / (labelHeight + 6)) - 1, 1, 8);
    setTicks(m_x, std::min(0.0, xMin), std::max(xMax, xMin + (m_wholeX ? 1.0 : 1e-6)), xRoom, m_wholeX);
    if (m_log) {
        if (yMinPositive > yMax)
            return;
        const double lo = yMinPositive * 0.9, hi = yMax * 1.1;
        for (const QString &label : m_yLog->categoriesLabels())
            m_yLog->remove(label);
        m_yLog->setStartValue(std::log10(lo));
        for (double v : logTicks(lo, hi))
            m_yLog->append(QString::number(v, 'g', 3), std::log10(v));
        m_yLog->setRange(std::log10(lo), std::log10(hi));
    } else {
        const double low = m_fromZero ? std::min(0.0, yMin) : yMin;
        const double pad = std::max((yMax - low) * 0.05, 1e-6);
        setTicks(m_yLinear, m_fromZero ? low : low - pad, yMax + pad, yRoom, false);
    }
}

void LiveChart::setTicks(QValueAxis *axis, double lo, double hi, int room, bool integers)
{
    // niceTicks() aims at `target` intervals but may need a few more to cover the data: coarser until they fit.
    QVector<double> ticks;
    for (int target = room; target >= 1; --target) {
        ticks = niceTicks(lo, hi, target, integers);
        if (ticks.size() - 1 <= room)
            break;
    }
    if (ticks.size() < 2)
        return;
    axis->setRange(ticks.first(), ticks.last());
    axis->setTickCount(int(ticks.size()));
}

QVector<QPointF> LiveChart::shown(const QVector<QPointF> &points) const
{
    if (!m_log)
        return points;
    QVector<QPointF> out;
    out.reserve(points.size());
    for (const QPointF &p : points)
        if (p.y() > 0)
            out.append(QPointF(p.x(), std::log10(p.y())));
    return out;
}

QVector<double> LiveChart::logTicks(double lo, double hi)
{
    QVector<double> ticks;
    if (!(lo > 0) || !(hi > lo))
        return ticks;
    for (const QVector<double> &mantissas : {QVector<double>{1, 2, 5}, QVector<double>{1, 2, 3, 4, 5, 6, 7, 8, 9}}) {
        ticks.clear();
        for (int e = int(std::floor(std::log10(lo))); e <= int(std::ceil(std::log10(hi))); ++e)
            for (double m : mantissas) {
                const double v = m * std::pow(10.0, e);
                if (v >= lo && v <= hi)
                    ticks.append(v);
            }
        if (ticks.size() >= 3)
            return ticks;
    }
    // A range narrower than one step of 1..9: its two ends, so the axis still reads.
    return {lo, hi};
}

QStringList LiveChart::yTickLabels() const
{
    if (m_log)
        return m_yLog->categoriesLabels();
    QStringList labels;
    const int n = m_yLinear->tickCount();
    for (int i = 0; i < n; ++i)
        labels << QString::number(m_yLinear->min() + (m_yLinear->max() - m_yLinear->min()) * i / std::max(1, n - 1),
                                  'g', 4);
    return labels;
}

void LiveChart::setWholeX(bool on)
{
    m_wholeX = on;
    rescale();
}

void LiveChart::setLogY(bool on)
{
    if (on == m_log)
        return;
    QAbstractAxis *from = m_log ? static_cast<QAbstractAxis *>(m_yLog) : m_yLinear;
    QAbstractAxis *to = on ? static_cast<QAbstractAxis *>(m_yLog) : m_yLinear;
    for (QLineSeries *s : std::as_const(m_series))
        s->detachAxis(from);
    chart()->removeAxis(from);
    chart()->addAxis(to, Qt::AlignLeft);
    for (QLineSeries *s : std::as_const(m_series))
        s->attachAxis(to);
    m_log = on;
    for (bool &dirty : m_dirty)
        dirty = true; // the series hold log10 values in log mode
    flush();
    rescale();
}

void LiveChart::setYFromZero(bool on)
{
    m_fromZero = on;
    rescale();
}

void LiveChart::setPlaceholder(const QString &text)
{
    m_placeholder = text;
    viewport()->update();
}

bool LiveChart::placeholderShown() const
{
    return !m_placeholder.isEmpty()
        && std::all_of(m_series.begin(), m_series.end(), [](const QLineSeries *s) { return s->count() == 0; });
}

namespace {

// The point of `points` (sorted by x) nearest to x.
const QPointF *nearest(const QVector<QPointF> &points, double x)
{
    if (points.isEmpty())
        return nullptr;
    auto it = std::lower_bound(points.begin(), points.end(), x, [](const QPointF &p, double v) { return p.x() < v; });
    if (it == points.end())
        return &points.back();
    if (it != points.begin() && x - (it - 1)->x() < it->x() - x)
        --it;
    return &*it;
}

} // namespace

QString LiveChart::hoverText(double x) const
{
    // Snap to the nearest point of the densest series (the per-step one on the loss chart).
    const QVector<QPointF> *densest = nullptr;
    for (const auto &pts : m_points)
        if (!pts.isEmpty() && (!densest || pts.size() > densest->size()))
            densest = &pts;
    if (!densest)
        return {};
    const double snapped = nearest(*densest, x)->x();
    QStringList lines{QStringLiteral("%1 %2").arg(m_x->titleText()).arg(snapped, 0, 'f', 3)};
    for (int i = 0; i < m_series.size(); ++i) {
        const QPointF *p = nearest(m_points[i], snapped);
        if (!p)
            continue;
        QString line = QStringLiteral("%1: %2").arg(m_series[i]->name()).arg(p->y(), 0, 'g', 5);
        if (std::abs(p->x() - snapped) > 1e-9)
            line += QStringLiteral("  (at %1)").arg(p->x(), 0, 'g', 4);
        lines << line;
    }
    return lines.join(QLatin1Char('\n'));
}

void LiveChart::mouseMoveEvent(QMouseEvent *event)
{
    QChartView::mouseMoveEvent(event);
    const QPointF inScene = mapToScene(event->position().toPoint());
    const QPointF inChart = chart()->mapFromScene(inScene);
    if (!chart()->plotArea().contains(inChart)) {
        QToolTip::hideText();
        return;
    }
    const QString text = hoverText(chart()->mapToValue(inChart).x());
    if (text.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(event->globalPosition().toPoint(), text, this);
}

void LiveChart::resizeEvent(QResizeEvent *event)
{
    QChartView::resizeEvent(event);
    // Beside the plot when the chart is narrow (the Training page's) or short and wide (the Experiments page's, where
    // a legend below left the plot a few pixels high); below it otherwise.
    const Qt::Alignment want = width() < 560 || width() >= 2 * height() ? Qt::AlignRight : Qt::AlignBottom;
    if (chart()->legend()->alignment() != want)
        chart()->legend()->setAlignment(want);
    rescale(); // the number of ticks that fit follows the size
}

void LiveChart::setCursorX(double x)
{
    if (x == m_cursorX || (std::isnan(x) && std::isnan(m_cursorX)))
        return;
    m_cursorX = x;
    viewport()->update();
}

void LiveChart::drawForeground(QPainter *painter, const QRectF &rect)
{
    QChartView::drawForeground(painter, rect);
    if (m_exporting)
        return;
    const QRectF plot = chart()->plotArea();
    if (!std::isnan(m_cursorX) && m_cursorX >= m_x->min() && m_cursorX <= m_x->max()) {
        const double at = plot.left() + (m_cursorX - m_x->min()) / (m_x->max() - m_x->min()) * plot.width();
        painter->save();
        painter->setPen(QPen(QColor(200, 60, 60), 1.5, Qt::DashLine));
        painter->drawLine(QPointF(at, plot.top()), QPointF(at, plot.bottom()));
        painter->restore();
    }
    if (!placeholderShown())
        return;
    painter->save();
    QFont font = painter->font();
    font.setPointSizeF(font.pointSizeF() * 1.3);
    painter->setFont(font);
    painter->setPen(QColor(120, 120, 120));
    painter->drawText(chart()->plotArea(), Qt::AlignCenter | Qt::TextWordWrap, m_placeholder); // wraps when narrow
    painter->restore();
}

QImage LiveChart::toImage(qreal devicePixelRatio) const
{
    QImage image((QSizeF(size()) * devicePixelRatio).toSize(), QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(devicePixelRatio);
    image.fill(Qt::white);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    auto *self = const_cast<LiveChart *>(this);
    self->m_exporting = true;
    self->render(&painter, QRectF(QPointF(0, 0), QSizeF(size())), rect());
    self->m_exporting = false;
    return image;
}

QByteArray LiveChart::toSvg() const
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QSvgGenerator svg;
    svg.setOutputDevice(&buffer);
    svg.setSize(size());
    svg.setViewBox(rect());
    svg.setTitle(chart()->title());
    QPainter painter(&svg);
    auto *self = const_cast<LiveChart *>(this);
    self->m_exporting = true;
    self->render(&painter, QRectF(rect()), rect());
    self->m_exporting = false;
    painter.end();
    return bytes;
}

} // namespace aestudio
