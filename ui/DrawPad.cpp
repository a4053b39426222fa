#include "DrawPad.h"

#include "ImageGrid.h"
#include "InferenceModel.h"

#include <QCheckBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <cmath>

namespace aestudio {

PixelSquare::PixelSquare(QWidget *parent) : QWidget(parent)
{
    setMinimumSize(minimumSizeHint());
    setMaximumSize(sizeHint());
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    policy.setHeightForWidth(true); // stays square as it narrows
    setSizePolicy(policy);
}

int PixelSquare::heightForWidth(int width) const
{
    return std::clamp(width, minimumSizeHint().height(), sizeHint().height());
}

QSize PixelSquare::sizeHint() const
{
    return {kImageSide * kZoom, kImageSide * kZoom};
}

QSize PixelSquare::minimumSizeHint() const
{
    return {kImageSide * kMinZoom, kImageSide * kMinZoom};
}

void PixelSquare::setImage(const QImage &image)
{
    m_image = image;
    update();
}

QRect PixelSquare::square() const
{
    const int side = std::min(width(), height());
    return {(width() - side) / 2, (height() - side) / 2, side, side};
}

QPointF PixelSquare::toWidget(const QPointF &imagePixel) const
{
    const QRect area = square();
    return QPointF(area.topLeft()) + imagePixel * (double(area.width()) / kImageSide);
}

void PixelSquare::paintEvent(QPaintEvent *)
{
    drawImage(m_image);
}

void PixelSquare::drawImage(const QImage &image)
{
    QPainter p(this);
    p.setRenderHint(QPainter::SmoothPixmapTransform, false); // crisp pixels
    const QRect area = square();
    if (image.isNull())
        p.fillRect(area, palette().window());
    else
        p.drawImage(area, image);
    p.setPen(palette().mid().color());
    p.drawRect(area.adjusted(0, 0, -1, -1));
}

DrawCanvas::DrawCanvas(QWidget *parent) : PixelSquare(parent), m_pixels(kPixelsPerImage, 0)
{
    setCursor(Qt::CrossCursor);
}

void DrawCanvas::setPixels(const std::uint8_t *pixels)
{
    std::copy_n(pixels, kPixelsPerImage, m_pixels.begin());
    update();
    Q_EMIT changed();
}

void DrawCanvas::clear()
{
    std::fill(m_pixels.begin(), m_pixels.end(), 0);
    update();
    Q_EMIT changed();
}

void DrawCanvas::setBrush(double radius, bool eraser)
{
    m_radius = radius;
    m_eraser = eraser;
}

void DrawCanvas::stroke(const QPointF &pos)
{
    // A soft round brush: full strength inside the radius, fading to nothing one pixel beyond it.
    const QRect area = square();
    const double zoom = double(area.width()) / kImageSide;
    const double cx = (pos.x() - area.left()) / zoom - 0.5, cy = (pos.y() - area.top()) / zoom - 0.5;
    bool touched = false;
    for (int y = std::max(0, int(cy - m_radius - 2)); y <= std::min(kImageSide - 1, int(cy + m_radius + 2)); ++y)
        for (int x = std::max(0, int(cx - m_radius - 2)); x <= std::min(kImageSide - 1, int(cx + m_radius + 2)); ++x) {
            const double d = std::hypot(x - cx, y - cy);
            const double strength = std::clamp(m_radius + 1.0 - d, 0.0, 1.0);
            if (strength <= 0)
                continue;
            std::uint8_t &v = m_pixels[std::size_t(y * kImageSide + x)];
            const int target = m_eraser ? int(v * (1 - strength)) : std::max<int>(v, int(255 * strength));
            if (target != v) {
                v = std::uint8_t(target);
                touched = true;
            }
        }
    if (touched) {
        update();
        Q_EMIT changed();
    }
}

void DrawCanvas::mousePressEvent(QMouseEvent *e)
{
    if (e->buttons() & Qt::LeftButton)
        stroke(e->position());
}

void DrawCanvas::mouseMoveEvent(QMouseEvent *e)
{
    if (e->buttons() & Qt::LeftButton)
        stroke(e->position());
}

void DrawCanvas::paintEvent(QPaintEvent *)
{
    drawImage(QImage(m_pixels.data(), kImageSide, kImageSide, kImageSide, QImage::Format_Grayscale8));
}

DrawPad::DrawPad(std::shared_ptr<SnapshotStore> snapshots, std::function<NoiseSpec()> noise, QWidget *parent)
    : QWidget(parent), m_snapshots(std::move(snapshots)), m_noise(std::move(noise)), m_canvas(new DrawCanvas),
      m_noisyView(new PixelSquare), m_reconView(new PixelSquare), m_caption(new QLabel), m_brush(new QSpinBox),
      m_eraser(new QCheckBox(tr("Eraser")))
{
    m_brush->setRange(1, 5);
    m_brush->setValue(2);
    m_brush->setPrefix(tr("Brush "));
    m_brush->setToolTip(tr("Brush radius in image pixels"));
    auto *clearButton = new QPushButton(tr("Clear"));
    auto *load = new QPushButton(tr("Load a validation image"));
    auto *reroll = new QPushButton(tr("Random noise seed"));
    m_caption->setWordWrap(true);

    auto *grid = new QGridLayout;
    grid->addWidget(new QLabel(tr("Your drawing")), 0, 0);
    grid->addWidget(new QLabel(tr("With the explorer's noise")), 0, 1);
    grid->addWidget(new QLabel(tr("Reconstruction")), 0, 2);
    grid->addWidget(m_canvas, 1, 0);
    grid->addWidget(m_noisyView, 1, 1);
    grid->addWidget(m_reconView, 1, 2);
    grid->setColumnStretch(3, 1); // wider windows keep the views together on the left
    auto *tools = new QHBoxLayout;
    for (QWidget *w :
         {static_cast<QWidget *>(m_brush), static_cast<QWidget *>(m_eraser), static_cast<QWidget *>(clearButton),
          static_cast<QWidget *>(load), static_cast<QWidget *>(reroll)})
        tools->addWidget(w);
    tools->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(grid);
    layout->addLayout(tools);
    layout->addWidget(m_caption);
    layout->addStretch(1);

    auto brush = [this] { m_canvas->setBrush(m_brush->value() - 0.5, m_eraser->isChecked()); };
    connect(m_brush, &QSpinBox::valueChanged, this, brush);
    connect(m_eraser, &QCheckBox::toggled, this, brush);
    brush();
    connect(clearButton, &QPushButton::clicked, this, &DrawPad::clear);
    connect(load, &QPushButton::clicked, this, [this] { loadImage(m_nextImage++); });
    connect(reroll, &QPushButton::clicked, this, &DrawPad::rerollNoise);
    connect(m_canvas, &DrawCanvas::changed, this, &DrawPad::rerun);
    m_caption->setText(tr("Draw with the mouse. The current model sees your drawing with the noise set in the noise "
                          "explorer, and shows what it makes of it."));
}

void DrawPad::setImages(const ProbeImages &images)
{
    m_images = images;
}

void DrawPad::loadImage(int index)
{
    if (m_images.count == 0)
        return;
    index = ((index % m_images.count) + m_images.count) % m_images.count;
    m_canvas->setPixels(m_images.pixels.data() + std::size_t(index) * kPixelsPerImage);
}

void DrawPad::clear()
{
    m_canvas->clear();
}

void DrawPad::rerollNoise()
{
    m_seed = m_seed * 6364136223846793005ull + 1442695040888963407ull;
    rerun();
}

void DrawPad::rerun()
{
    const auto model = m_snapshots->latest();
    if (!model) {
        m_caption->setText(tr("Train or open a model to see it denoise your drawing."));
        return;
    }
    const std::vector<std::uint8_t> pixels = m_canvas->pixels();
    const NoiseSpec noise = m_noise ? m_noise() : NoiseSpec{};
    const std::uint64_t seed = m_seed;
    // Newest wins: while a stroke goes on, only the latest canvas is shown.
    m_job.start([model, pixels, noise,
                 seed](const std::function<bool()> &) { return model->reconstruct(pixels.data(), 1, noise, seed); },
                [this, noise](const Reconstruction &r) {
                    m_noisy = ImageGrid::render({r.noisy.data()}, 1, DrawCanvas::kZoom);
                    m_reconstruction = ImageGrid::render({r.reconstructed.data()}, 1, DrawCanvas::kZoom);
                    m_noisyView->setImage(m_noisy);
                    m_reconView->setImage(m_reconstruction);
                    m_caption->setText(
                        noise.isClean()
                            ? tr("No noise. Reconstruction %1 dB against your drawing.")
                                  .arg(r.metrics.psnrGlobalDb, 0, 'f', 2)
                            : tr("Noise: %1. Reconstruction %2 dB against your drawing (noisy input %3 dB).")
                                  .arg(noise.describe())
                                  .arg(r.metrics.psnrGlobalDb, 0, 'f', 2)
                                  .arg(r.metrics.noisyPsnrGlobalDb, 0, 'f', 2));
                    Q_EMIT reconstructed();
                });
}

} // namespace aestudio
