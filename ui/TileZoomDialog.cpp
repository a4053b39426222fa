#include "TileZoomDialog.h"

#include "ImageFormat.h"
#include "ImageGrid.h"

#include <QButtonGroup>
#include <QHBoxLayout>
#include <QMouseEvent>
#include <QRadioButton>
#include <QVBoxLayout>

namespace aestudio {

QImage ZoomTile::cut(const QImage &grid, int column, int row, int scale)
{
    const int side = kImageSide * std::max(1, scale);
    const QRect cell(column * side, row * side, side, side);
    if (grid.isNull() || !grid.rect().contains(cell))
        return {};
    // Nearest-neighbour back to 28 x 28: every image pixel is a scale x scale block.
    return grid.copy(cell).scaled(kImageSide, kImageSide, Qt::IgnoreAspectRatio, Qt::FastTransformation);
}

ZoomView::ZoomView(QWidget *parent) : QLabel(parent)
{
    setMouseTracking(true);
    setFixedSize(kImageSide * TileZoomDialog::kZoom, kImageSide * TileZoomDialog::kZoom);
    setCursor(Qt::CrossCursor);
}

void ZoomView::setImage(const QImage &image28)
{
    setPixmap(QPixmap::fromImage(ImageGrid::scaledUp(image28, TileZoomDialog::kZoom)));
}

QPoint ZoomView::pixelAt(const QPoint &pos) const
{
    const QPoint p(pos.x() / TileZoomDialog::kZoom, pos.y() / TileZoomDialog::kZoom);
    return pos.x() >= 0 && pos.y() >= 0 && p.x() < kImageSide && p.y() < kImageSide ? p : QPoint(-1, -1);
}

void ZoomView::mouseMoveEvent(QMouseEvent *e)
{
    QLabel::mouseMoveEvent(e);
    Q_EMIT hovered(pixelAt(e->position().toPoint()));
}

void ZoomView::leaveEvent(QEvent *e)
{
    QLabel::leaveEvent(e);
    Q_EMIT hovered(QPoint(-1, -1));
}

TileZoomDialog::TileZoomDialog(QWidget *parent)
    : QDialog(parent), m_view(new ZoomView), m_readout(new QLabel), m_rows(new QButtonGroup(this))
{
    setObjectName(QStringLiteral("tileZoom"));
    m_readout->setObjectName(QStringLiteral("pixelReadout"));
    m_readout->setMinimumWidth(m_view->width());
    m_readout->setWordWrap(true);
    auto *rows = new QHBoxLayout;
    const QStringList names{tr("Original"), tr("Noisy input"), tr("Reconstruction"), tr("|Error|")};
    for (int i = 0; i < names.size(); ++i) {
        auto *b = new QRadioButton(names[i]);
        m_rows->addButton(b, i);
        rows->addWidget(b);
    }
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(rows);
    layout->addWidget(m_view, 0, Qt::AlignHCenter);
    layout->addWidget(m_readout);
    connect(m_rows, &QButtonGroup::idClicked, this, &TileZoomDialog::select);
    connect(m_view, &ZoomView::hovered, this, &TileZoomDialog::describe);
    layout->setSizeConstraint(QLayout::SetFixedSize);
}

void TileZoomDialog::showTile(const ZoomTile &tile, int row)
{
    m_tile = tile;
    setWindowTitle(tr("%1 at %2×").arg(tile.title).arg(kZoom));
    const QImage *versions[] = {&m_tile.original, &m_tile.noisy, &m_tile.reconstruction, &m_tile.error};
    for (int i = 0; i < 4; ++i)
        m_rows->button(i)->setEnabled(!versions[i]->isNull());
    if (row < 0 || row > 3 || versions[row]->isNull())
        row = 0;
    select(row);
    describe(QPoint(-1, -1));
    show();
    raise();
    activateWindow();
}

int TileZoomDialog::shownRow() const
{
    return m_rows->checkedId();
}

void TileZoomDialog::select(int row)
{
    const QImage *versions[] = {&m_tile.original, &m_tile.noisy, &m_tile.reconstruction, &m_tile.error};
    m_rows->button(row)->setChecked(true);
    m_shown = ImageGrid::scaledUp(*versions[row], kZoom);
    m_view->setImage(*versions[row]);
}

void TileZoomDialog::describe(QPoint pixel)
{
    if (pixel.x() < 0) {
        m_readout->setText(tr("Hover a pixel to read its values."));
        return;
    }
    auto value = [pixel](const QImage &image) { return qGray(image.pixel(pixel)) / 255.0; };
    QStringList parts{tr("pixel (%1, %2)").arg(pixel.x()).arg(pixel.y())};
    if (!m_tile.original.isNull())
        parts << tr("original %1").arg(value(m_tile.original), 0, 'f', 3);
    if (!m_tile.noisy.isNull())
        parts << tr("noisy %1").arg(value(m_tile.noisy), 0, 'f', 3);
    if (!m_tile.reconstruction.isNull())
        parts << tr("reconstruction %1").arg(value(m_tile.reconstruction), 0, 'f', 3);
    if (!m_tile.original.isNull() && !m_tile.reconstruction.isNull())
        parts << tr("|error| %1").arg(std::abs(value(m_tile.original) - value(m_tile.reconstruction)), 0, 'f', 3);
    m_readout->setText(parts.join(QStringLiteral(" · ")));
}

QString TileZoomDialog::readout() const
{
    return m_readout->text();
}

} // namespace aestudio
