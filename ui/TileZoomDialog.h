// One 28x28 image seen large: a tile of the probe grids or of the worst-K strip, shown at 10x with crisp pixels,
// switchable between its original, noisy input, reconstruction and error heatmap, with the values under the mouse
// (the three images in [0,1] and |error|).
#pragma once

#include <QDialog>
#include <QImage>
#include <QLabel>

class QButtonGroup;

namespace aestudio {

struct ZoomTile {
    QString title;                                 // "probe 3", "Shirt, 9.9 dB"
    QImage original, noisy, reconstruction, error; // 28 x 28 each; a missing one is null
    // The tile at (column, row) of a grid of 28 px images drawn `scale` times, back at 28 x 28; null outside it.
    static QImage cut(const QImage &grid, int column, int row, int scale);
};

class ZoomView : public QLabel {
    Q_OBJECT
public:
    explicit ZoomView(QWidget *parent = nullptr);
    void setImage(const QImage &image28);
    QPoint pixelAt(const QPoint &pos) const; // (-1,-1) outside

Q_SIGNALS:
    void hovered(QPoint pixel);

protected:
    void mouseMoveEvent(QMouseEvent *e) override;
    void leaveEvent(QEvent *e) override;
};

class TileZoomDialog : public QDialog {
    Q_OBJECT
public:
    static constexpr int kZoom = 10;
    explicit TileZoomDialog(QWidget *parent = nullptr);
    // Shows `tile` with version `row` (0 original, 1 noisy, 2 reconstruction, 3 error) selected.
    void showTile(const ZoomTile &tile, int row);
    int shownRow() const;
    const QImage &shownImage() const { return m_shown; } // at 10x
    QString readout() const;
    ZoomView *view() const { return m_view; }

private:
    void select(int row);
    void describe(QPoint pixel);
    ZoomTile m_tile;
    QImage m_shown;
    ZoomView *m_view;
    QLabel *m_readout;
    QButtonGroup *m_rows;
};

} // namespace aestudio
