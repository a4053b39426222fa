// The draw-and-denoise pad: a 28x28 canvas shown at up to 10x with crisp pixels (down to 6x where the window is
// narrow, so the three views fit a 1024-px screen). Drawing with the mouse (a soft round
// brush of adjustable size, or an eraser) feeds the current model live: the drawing, the drawing with the explorer's
// noise added, and the reconstruction, side by side. Inference of one image runs off the GUI thread, newest wins.
#pragma once

#include "BackgroundJob.h"
#include "TrainingConfig.h"
#include "SnapshotStore.h"
#include "StudioTypes.h"

#include <QImage>
#include <QWidget>

#include <functional>

class QCheckBox;
class QLabel;
class QSpinBox;

namespace aestudio {

class DrawCanvas;
class PixelSquare;

class DrawPad : public QWidget {
    Q_OBJECT
public:
    // `noise` says which noise to add (the explorer's type and level).
    DrawPad(std::shared_ptr<SnapshotStore> snapshots, std::function<NoiseSpec()> noise, QWidget *parent = nullptr);

    void setImages(const ProbeImages &images); // what "Load a validation image" picks from
    void loadImage(int index);
    void clear();
    void rerollNoise();
    void rerun(); // re-runs the model on the canvas (after a stroke, a new model or new noise)
    DrawCanvas *canvas() const { return m_canvas; }
    QImage noisyImage() const { return m_noisy; }
    QImage reconstructionImage() const { return m_reconstruction; }

Q_SIGNALS:
    void reconstructed();

private:
    std::shared_ptr<SnapshotStore> m_snapshots;
    std::function<NoiseSpec()> m_noise;
    ProbeImages m_images;
    int m_nextImage = 0;
    std::uint64_t m_seed = 1;
    DrawCanvas *m_canvas;
    PixelSquare *m_noisyView, *m_reconView;
    QLabel *m_caption;
    QSpinBox *m_brush;
    QCheckBox *m_eraser;
    QImage m_noisy, m_reconstruction;
    BackgroundJob m_job{this};
};

// A 28x28 image drawn in the largest centred square that fits, from kMinZoom to kZoom screen pixels per image pixel,
// with crisp pixels and a frame.
class PixelSquare : public QWidget {
    Q_OBJECT
public:
    static constexpr int kZoom = 10;
    static constexpr int kMinZoom = 6;
    explicit PixelSquare(QWidget *parent = nullptr);
    void setImage(const QImage &image);
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    QRect square() const;                              // where the image is drawn
    QPointF toWidget(const QPointF &imagePixel) const; // (0,0)..(28,28) to where it is drawn now

protected:
    void paintEvent(QPaintEvent *) override;
    void drawImage(const QImage &image);

private:
    QImage m_image;
};

// The 28x28 canvas itself (values 0..255).
class DrawCanvas : public PixelSquare {
    Q_OBJECT
public:
    explicit DrawCanvas(QWidget *parent = nullptr);
    const std::vector<std::uint8_t> &pixels() const { return m_pixels; }
    void setPixels(const std::uint8_t *pixels);
    void clear();
    void setBrush(double radius, bool eraser);

Q_SIGNALS:
    void changed();

protected:
    void paintEvent(QPaintEvent *) override;
    void mousePressEvent(QMouseEvent *e) override;
    void mouseMoveEvent(QMouseEvent *e) override;

private:
    void stroke(const QPointF &pos);
    std::vector<std::uint8_t> m_pixels;
    double m_radius = 1.5;
    bool m_eraser = false;
};

} // namespace aestudio
