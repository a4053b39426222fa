// One Qt Charts view whose series are fed whole point lists and redrawn with QXYSeries::replace() only when the
// owner flushes, so a burst of updates costs one repaint. Axes follow the data; log-y and "y from 0" are toggles.
// Long series are drawn decimated to about one point per horizontal pixel (each bucket's min and max, so spikes
// stay visible): Qt Charts re-strokes every point on each update, and a 20-epoch run's per-batch loss curve
// otherwise made the GUI thread take CPU from training.
#pragma once

#include <QChartView>
#include <QPointF>
#include <QVector>

#include <limits>

class QLineSeries;
class QValueAxis;
class QCategoryAxis;
class QAbstractAxis;

namespace aestudio {

class LiveChart : public QChartView {
    Q_OBJECT
public:
    LiveChart(const QString &title, const QString &xTitle, const QString &yTitle, QWidget *parent = nullptr);

    int addSeries(const QString &name, const QColor &color, qreal width, bool markers = false);
    void removeAllSeries();
    void setSeriesStyle(int series, const QColor &color, const QString &name); // keeps the width
    QString seriesName(int series) const;
    QColor seriesColor(int series) const;
    // Whether the series has an entry in the legend (in exports too); every series has one when added.
    void setSeriesInLegend(int series, bool shown);
    bool seriesInLegend(int series) const;
    void setPoints(int series, QVector<QPointF> points); // applied at the next flush()
    const QVector<QPointF> &points(int series) const { return m_points[series]; }
    int seriesCount() const { return int(m_series.size()); }
    int shownPointCount(int series) const; // what the chart actually holds after flushes
    void flush();
    // At most `maxPoints` points: x-ordered buckets, each contributing its lowest and highest point.
    static QVector<QPointF> decimate(const QVector<QPointF> &points, int maxPoints);

    // Log y plots log10 of the values against an axis labelled at 1-2-5 steps (0.02, 0.05, 0.1, ...), so every
    // visible decade fraction has a readable tick; QLogValueAxis labels powers of ten only (one "0.1" over 0.02-0.2).
    void setLogY(bool on);
    // x ticks on whole numbers only (epochs): no 0.5 tick on a 2-epoch run. Off by default (noise levels).
    void setWholeX(bool on);
    void setYFromZero(bool on);
    bool logY() const { return m_log; }
    QStringList yTickLabels() const; // what the y axis shows now (log mode: the 1-2-5 labels)
    // The labelled values for log ticks covering [lo, hi] (lo > 0): 1-2-5 steps, finer when that gives fewer than 3.
    static QVector<double> logTicks(double lo, double hi);

    // A vertical line at x across the plot area (the time scrubber's epoch); NaN hides it. Not in exports.
    void setCursorX(double x);
    double cursorX() const { return m_cursorX; }

    // Shown in the plot area while no series has a point ("Press Start (Ctrl+Return)"); not in exports.
    void setPlaceholder(const QString &text);
    bool placeholderShown() const;
    // What hovering at x shows, as TensorBoard does: x snapped to the nearest point, then every series' value at
    // its point nearest to there (and that point's x when it differs). Empty when no series has points.
    QString hoverText(double x) const;

    QImage toImage(qreal devicePixelRatio) const; // rendered at the widget's size times the ratio
    QByteArray toSvg() const;

protected:
    void drawForeground(QPainter *painter, const QRectF &rect) override;
    void resizeEvent(QResizeEvent *event) override; // a narrow chart stacks its legend on the right, uncut
    void mouseMoveEvent(QMouseEvent *event) override;

private:
    void rescale();
    void setTicks(QValueAxis *axis, double lo, double hi, int room, bool integers); // round, at most `room` intervals
    QString m_placeholder;
    bool m_exporting = false;
    QVector<QPointF> shown(const QVector<QPointF> &points) const; // log10 of y in log mode, non-positive dropped
    QVector<QLineSeries *> m_series;
    QVector<QVector<QPointF>> m_points;
    QVector<bool> m_dirty;
    QValueAxis *m_x;
    QValueAxis *m_yLinear;
    QCategoryAxis *m_yLog;
    bool m_log = false;
    bool m_fromZero = false;
    bool m_wholeX = false;
    double m_cursorX = std::numeric_limits<double>::quiet_NaN();
};

} // namespace aestudio
