#include "ImageGridPanel.h"

#include "ImageFormat.h"
#include "PreviewRunner.h"
#include "TileZoomDialog.h"

#include "ErrorViews.h"
#include "ImageGrid.h"

#include <QEvent>
#include <QHelpEvent>
#include <QHBoxLayout>
#include <QMouseEvent>
#include <QToolTip>
#include <QVBoxLayout>

namespace aestudio {

ProbeGridView::ProbeGridView(QWidget *parent) : QLabel(parent)
{
    setAlignment(Qt::AlignLeft | Qt::AlignTop);
    // Down to 1x on a small screen; the grid fills what width it gets, nearest-neighbour so pixels stay crisp.
    setMinimumSize(PreviewRunner::kColumns * kImageSide, 2 * kImageSide);
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    // The black backdrop through the palette, not a style sheet: an unscoped "background: black" also reached the
    // per-probe tooltip and drew it black on black.
    QPalette pal = palette();
    pal.setColor(QPalette::Window, Qt::black);
    setPalette(pal);
    setAutoFillBackground(true);
    setCursor(Qt::PointingHandCursor);
}

void ProbeGridView::setGrid(const QImage &image, int columns, int cellSize, QStringList cellTips)
{
    const bool sizeChanged = image.size() != m_image.size();
    m_image = image;
    m_columns = std::max(columns, 1);
    m_cell = std::max(cellSize, 1);
    m_tips = std::move(cellTips);
    showScaled();
    if (sizeChanged)
        updateGeometry(); // heightForWidth changed
}

void ProbeGridView::resizeEvent(QResizeEvent *e)
{
    QLabel::resizeEvent(e);
    showScaled();
}

void ProbeGridView::showScaled()
{
    if (m_image.isNull()) {
        setPixmap(QPixmap());
        return;
    }
    // The image arrives at 2x; shown at that size when it fits, else shrunk to the width (never enlarged).
    const double scale = std::min(1.0, double(std::max(1, width())) / m_image.width());
    const QImage shown = scale < 1.0
        ? m_image.scaled(QSize(width(), int(m_image.height() * scale)), Qt::KeepAspectRatio, Qt::FastTransformation)
        : m_image;
    setPixmap(QPixmap::fromImage(shown));
}

int ProbeGridView::heightForWidth(int width) const
{
    if (m_image.isNull())
        return 2 * kImageSide;
    return std::max(2 * kImageSide,
                    int(m_image.height() * std::min(1.0, double(std::max(1, width)) / m_image.width())));
}

QPoint ProbeGridView::cellAt(const QPoint &pos) const
{
    // Back to image pixels, through the shown pixmap's own size (its height was rounded on its own).
    const QSize shown = pixmap().isNull() ? m_image.size() : pixmap().size();
    if (m_image.isNull() || shown.isEmpty())
        return {-1, -1};
    const QPoint p(int(pos.x() * double(m_image.width()) / shown.width()),
                   int(pos.y() * double(m_image.height()) / shown.height()));
    if (p.x() < 0 || p.y() < 0 || p.x() >= m_image.width() || p.y() >= m_image.height())
        return {-1, -1};
    return {p.x() / m_cell, p.y() / m_cell};
}

QString ProbeGridView::tipAt(const QPoint &pos) const
{
    const QPoint cell = cellAt(pos);
    if (cell.x() < 0)
        return {};
    return m_tips.value(cell.y() * m_columns + cell.x());
}

void ProbeGridView::mousePressEvent(QMouseEvent *e)
{
    const QPoint cell = cellAt(e->position().toPoint());
    if (e->button() == Qt::LeftButton && cell.x() >= 0)
        Q_EMIT tileClicked(cell);
    QLabel::mousePressEvent(e);
}

bool ProbeGridView::event(QEvent *e)
{
    if (e->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(e);
        const QString tip = tipAt(help->pos());
        if (tip.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), tip, this);
        return true;
    }
    return QLabel::event(e);
}

ImageGridPanel::ImageGridPanel(QWidget *parent)
    : QWidget(parent), m_original(new ProbeGridView), m_noisy(new ProbeGridView), m_reconstructed(new ProbeGridView),
      m_error(new ProbeGridView)
{
    m_error->setObjectName(QStringLiteral("errorGrid"));
    m_errorCaption = new QLabel(tr("Absolute error"));
    m_errorCaption->setToolTip(tr("Per-pixel absolute error of the reconstruction against the original, in the "
                                  "viridis colour map: dark is exact, yellow is off by %1 or more")
                                   .arg(double(ErrorViews::kHeatmapMax)));
    m_colourBar = new QLabel;
    m_colourBar->setPixmap(QPixmap::fromImage(ErrorViews::colourBar(96, 10)));
    m_colourBar->setToolTip(m_errorCaption->toolTip());
    m_original->setObjectName(QStringLiteral("originalGrid"));
    m_noisy->setObjectName(QStringLiteral("noisyGrid"));
    m_reconstructed->setObjectName(QStringLiteral("reconstructedGrid"));
    m_noisyCaption = new QLabel(tr("Noisy input"));
    m_reconCaption = new QLabel(tr("Reconstruction"));
    // Wrapped, so a long caption never holds the side panel wider than a small window leaves it.
    m_noisyCaption->setWordWrap(true);
    m_reconCaption->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(tr("Original (validation probes)")));
    layout->addWidget(m_original);
    layout->addWidget(m_noisyCaption);
    layout->addWidget(m_noisy);
    layout->addWidget(m_reconCaption);
    layout->addWidget(m_reconstructed);
    auto *errorRow = new QHBoxLayout;
    errorRow->addWidget(m_errorCaption);
    errorRow->addStretch(1);
    errorRow->addWidget(new QLabel(QStringLiteral("0")));
    errorRow->addWidget(m_colourBar);
    errorRow->addWidget(new QLabel(QStringLiteral("≥%1").arg(double(ErrorViews::kHeatmapMax))));
    layout->addLayout(errorRow);
    layout->addWidget(m_error);
    layout->addStretch(1);
    const QList<ProbeGridView *> rows{m_original, m_noisy, m_reconstructed, m_error};
    for (int row = 0; row < rows.size(); ++row)
        connect(rows[row], &ProbeGridView::tileClicked, this,
                [this, row, view = rows[row]](QPoint cell) { zoomProbe(cell.y() * view->columns() + cell.x(), row); });
}

void ImageGridPanel::zoomProbe(int index, int row)
{
    if (index < 0 || index >= m_probes) // a black tile after the last probe of a short split
        return;
    const int columns = std::max(1, m_original->columns());
    const int scale = std::max(1, m_original->cellSize() / kImageSide);
    auto cut
        = [&](const ProbeGridView *v) { return ZoomTile::cut(v->image(), index % columns, index / columns, scale); };
    ZoomTile tile{tr("Probe %1").arg(index + 1), cut(m_original), cut(m_noisy), cut(m_reconstructed), cut(m_error)};
    if (tile.original.isNull())
        return;
    if (!m_zoom)
        m_zoom = new TileZoomDialog(this);
    m_zoom->showTile(tile, row);
}

void ImageGridPanel::showPreview(const PreviewResult &r)
{
    const int cell = r.columns > 0 ? r.original.width() / r.columns : 1;
    QStringList noisyTips, reconTips, originalTips;
    for (std::size_t i = 0; i < r.noisyPsnrDb.size(); ++i) {
        // Without noise the input is the image itself: no noisy-input PSNR (it would be the 100 dB floor).
        const QString noisy
            = r.noise.isClean() ? tr("input without noise") : tr("noisy input: %1 dB").arg(r.noisyPsnrDb[i], 0, 'f', 2);
        originalTips << tr("probe %1").arg(i + 1);
        noisyTips << tr("probe %1 — %2").arg(i + 1).arg(noisy);
        if (i < r.psnrDb.size()) {
            const QString recon = tr("reconstruction: %1 dB").arg(r.psnrDb[i], 0, 'f', 2);
            reconTips << (r.noise.isClean() ? tr("probe %1 — %2").arg(i + 1).arg(recon)
                                            : tr("probe %1 — %2 (%3)").arg(i + 1).arg(recon, noisy));
        }
    }
    m_original->setGrid(r.original, r.columns, cell, originalTips);
    m_noisy->setGrid(r.noisy, r.columns, cell, noisyTips);
    m_reconstructed->setGrid(r.reconstructed, r.columns, cell, reconTips);
    m_error->setGrid(r.error, r.columns, cell, reconTips);
    m_probes = r.metrics.images;
    // Without noise the input is the clean image: its PSNR would be the 100 dB floor, not a measurement.
    m_noisyCaption->setText(
        r.noise.isClean()
            ? tr("Input (no noise)")
            : tr("Noisy input (%1) — %2 dB").arg(r.noise.describe()).arg(r.metrics.noisyPsnrMeanDb, 0, 'f', 2));
    const QString psnr = QString::number(r.metrics.psnrMeanDb, 'f', 2);
    m_reconCaption->setText(
        r.reconstructed.isNull() ? tr("Reconstruction — no model yet")
            : r.epoch > 0
            ? tr("Reconstruction at epoch %1 — %2 dB (mean of %3 probes)").arg(r.epoch).arg(psnr).arg(m_probes)
            : tr("Reconstruction — %1 dB (mean of %2 probes)").arg(psnr).arg(m_probes));
    Q_EMIT previewShown();
}

void ImageGridPanel::clear()
{
    for (ProbeGridView *v : {m_original, m_noisy, m_reconstructed, m_error})
        v->setGrid(QImage(), 1, 1, {});
    m_probes = 0;
}

QImage ImageGridPanel::stacked() const
{
    QList<QImage> images{m_original->image(), m_noisy->image(), m_reconstructed->image()};
    QStringList captions{tr("Original"), m_noisyCaption->text(), m_reconCaption->text()};
    if (!m_error->image().isNull()) {
        images << m_error->image();
        captions << tr("Absolute error per pixel (viridis, 0 to ≥%1)").arg(double(ErrorViews::kHeatmapMax));
    }
    return ImageGrid::stackWithCaptions(images, captions);
}

} // namespace aestudio
