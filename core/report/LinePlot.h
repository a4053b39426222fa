// A plain line chart drawn with QPainter alone (no widgets, no QtCharts), so the CLI, the report and the studio's
// exports share it. Everything is laid out in points: on a QPdfWriter at 72 dpi it comes out as vectors with real,
// selectable text; image() renders the same drawing to pixels.
#pragma once

#include <QColor>
#include <QImage>
#include <QPointF>
#include <QString>
#include <QVector>

class QPainter;
class QRectF;

namespace aestudio {

struct PlotSeries {
    QString label;
    QVector<QPointF> points;
    QColor colour;
    Qt::PenStyle style = Qt::SolidLine;
    double width = 1.5; // points
};

struct LinePlot {
    QString title, xLabel, yLabel;
    QVector<PlotSeries> series;
    double markerX = -1.0; // a dotted vertical line here when >= 0
    QString markerLabel;
    bool integerX = false;     // epochs: ticks on whole numbers only
    bool legendBeside = false; // right of the frame instead of in its emptiest corner (many series)
    bool markers = false;      // a dot at every point (few, discrete x values)
    QVector<double> xTicks;    // where given: exactly these x ticks (e.g. the latent dims of a sweep)
    double fontPoints = 8.0;

    // The plot filling `rect` (in the painter's units, taken as points).
    void paint(QPainter &p, const QRectF &rect) const;
    // The same on white, `size` points at `pixelsPerPoint` pixels each.
    QImage image(QSizeF size, double pixelsPerPoint = 2.0) const;

    // The palette the studio's exports use, by series index.
    static QColor colour(int index);
};

// About `target` round tick values (steps of 1, 2 or 5 x 10^k) covering [lo, hi].
QVector<double> niceTicks(double lo, double hi, int target, bool integers = false);

} // namespace aestudio
