// The latent explorer's scatter: one dot per image at its (pc1, pc2), coloured by class, with a legend of class
// names. Reports where the pointer is (the nearest image within a few pixels, or the plane point under it) and
// clicks, so the panel can preview, decode and interpolate.
#pragma once

#include <QStringList>
#include <QImage>
#include <QWidget>

#include <vector>

namespace aestudio {

class LatentScatter : public QWidget {
    Q_OBJECT
public:
    explicit LatentScatter(QWidget *parent = nullptr);
    // points: count * 2; labels: count. Keeps the view's range fitted to the points.
    void setPoints(std::vector<float> points, std::vector<std::uint8_t> labels, QStringList classNames);
    void setPicked(int first, int second);                                    // -1 for none: ringed dots
    int nearestPoint(const QPointF &widgetPos, double maxPixels = 6.0) const; // -1 when none is that close
    QPointF toPlane(const QPointF &widgetPos) const;
    QPointF toWidget(double pc1, double pc2) const;
    int pointCount() const { return int(m_labels.size()); }
    static QColor classColor(int label);

Q_SIGNALS:
    void hoveredPoint(int index);              // over an image's dot
    void hoveredPlane(double pc1, double pc2); // over empty space
    void clickedPoint(int index);

protected:
    void paintEvent(QPaintEvent *) override;
    void mouseMoveEvent(QMouseEvent *e) override;
    void mousePressEvent(QMouseEvent *e) override;

private:
    QRectF plotRect() const;
    std::vector<float> m_points;
    std::vector<std::uint8_t> m_labels;
    QStringList m_classes;
    QRectF m_range;        // in plane coordinates
    mutable QImage m_dots; // the dots layer at the current size (paintDots)
    void paintDots(QPainter &p) const;
    int m_picked[2] = {-1, -1};
};

} // namespace aestudio
