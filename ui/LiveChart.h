// One Qt Charts view whose series are fed whole point lists and redrawn with QXYSeries::replace() only when the
// owner flushes, so a burst of updates costs one repaint. Axes follow the data; log-y and "y from 0" are toggles.
// Long series are drawn decimated to about one point per horizontal pixel (each bucket's min and max, so spikes
// stay visible): Qt Charts re-strokes every point on each update, and a 20-epoch run's per-batch loss curve
// otherwise made the GUI thread take CPU from training.
#pragma once

#include <QChartView>
#include <QPointF>
#include <QVector>

class QLineSeries;
class QValueAxis;
class QLogValueAxis;
class QAbstractAxis;

namespace aestudio {

class LiveChart : public QChartView {
    Q_OBJECT
public:
    LiveChart(const QString &title, const QString &xTitle, const QString &yTitle, QWidget *parent = nullptr);

    int addSeries(const QString &name, const QColor &color, qreal width, bool markers = false);
    void removeAllSeries();
    void setPoints(int series, QVector<QPointF> points); // applied at the next flush()
    const QVector<QPointF> &points(int series) const { return m_points[series]; }
    int seriesCount() const { return int(m_series.size()); }
    int shownPointCount(int series) const; // what the chart actually holds after flushes
    void flush();
    // At most `maxPoints` points: x-ordered buckets, each contributing its lowest and highest point.
    static QVector<QPointF> decimate(const QVector<QPointF> &points, int maxPoints);

    void setLogY(bool on);
    void setYFromZero(bool on);

    QImage toImage(qreal devicePixelRatio) const; // rendered at the widget's size times the ratio
    QByteArray toSvg() const;

private:
    void rescale();
    QVector<QLineSeries *> m_series;
    QVector<QVector<QPointF>> m_points;
    QVector<bool> m_dirty;
    QValueAxis *m_x;
    QValueAxis *m_yLinear;
    QLogValueAxis *m_yLog;
    bool m_log = false;
    bool m_fromZero = false;
};

} // namespace aestudio
