// The side panel's three labelled grids (original, noisy, reconstructed) of the same fixed validation probes.
// Images arrive as QImages built off the GUI thread and are shown unsmoothed; hovering a cell shows its PSNR, and
// clicking one opens it at 10x (TileZoomDialog).
#pragma once

#include "StudioTypes.h"

#include <QLabel>
#include <QWidget>

namespace aestudio {

class TileZoomDialog;

class ProbeGridView : public QLabel {
    Q_OBJECT
public:
    explicit ProbeGridView(QWidget *parent = nullptr);
    void setGrid(const QImage &image, int columns, int cellSize, QStringList cellTips);
    const QImage &image() const { return m_image; }
    QString tipAt(const QPoint &pos) const;
    QPoint cellAt(const QPoint &pos) const; // (column, row) of the tile under a widget position; (-1,-1) outside
    int columns() const { return m_columns; }
    int cellSize() const { return m_cell; } // image pixels per tile

Q_SIGNALS:
    void tileClicked(QPoint cell); // (column, row)

protected:
    bool event(QEvent *e) override;
    void mousePressEvent(QMouseEvent *e) override;
    void resizeEvent(QResizeEvent *e) override;
    // Height follows width (the grid keeps its aspect), so a layout asks once instead of chasing a scroll bar.
    bool hasHeightForWidth() const override { return !m_image.isNull(); }
    int heightForWidth(int width) const override;

private:
    void showScaled();
    QImage m_image;
    int m_columns = 1;
    int m_cell = 1;
    QStringList m_tips;
};

class ImageGridPanel : public QWidget {
    Q_OBJECT
public:
    explicit ImageGridPanel(QWidget *parent = nullptr);
    void showPreview(const PreviewResult &result);
    void clear();
    ProbeGridView *original() const { return m_original; }
    ProbeGridView *noisy() const { return m_noisy; }
    ProbeGridView *reconstructed() const { return m_reconstructed; }
    ProbeGridView *error() const { return m_error; }
    QImage stacked() const; // the grids with captions (the error row when there is one), for export
    // Opens (or reuses) the 10x view of probe `index`, with version `row` (0 original ... 3 error) selected.
    void zoomProbe(int index, int row);
    TileZoomDialog *zoom() const { return m_zoom; }

Q_SIGNALS:
    void previewShown(); // the grids show a new preview

private:
    ProbeGridView *m_original;
    ProbeGridView *m_noisy;
    ProbeGridView *m_reconstructed;
    ProbeGridView *m_error;
    QLabel *m_noisyCaption;
    QLabel *m_reconCaption;
    QLabel *m_errorCaption;
    QLabel *m_colourBar;
    TileZoomDialog *m_zoom = nullptr;
    int m_probes = 0; // probes in the grids shown: a small split has fewer than the 16 the trainer keeps
};

} // namespace aestudio
