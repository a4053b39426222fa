#include "ImageGrid.h"

#include "ImageFormat.h"

#include <QFont>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace aestudio {
namespace {
constexpr int kSide = kImageSide;

uchar toByte(float v)
{
    return uchar(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f));
}

// One 28x28 image into the tile at (column, row) of a grayscale grid.
void drawTile(QImage &grid, const float *img, int column, int row)
{
    for (int y = 0; y < kSide; ++y) {
        uchar *line = grid.scanLine(row * kSide + y) + column * kSide;
        for (int x = 0; x < kSide; ++x)
            line[x] = toByte(img[y * kSide + x]);
    }
}
} // namespace

QImage ImageGrid::render(const std::vector<const float *> &rows, int columns, int scale)
{
    QImage grid(columns * kSide, int(rows.size()) * kSide, QImage::Format_Grayscale8);
    grid.fill(0);
    for (int r = 0; r < int(rows.size()); ++r) {
        if (!rows[std::size_t(r)])
            continue;
        for (int c = 0; c < columns; ++c)
            drawTile(grid, rows[std::size_t(r)] + std::size_t(c) * kSide * kSide, c, r);
    }
    return scaledUp(grid, scale);
}

QImage ImageGrid::tiles(const float *images, int count, int columns, int scale)
{
    columns = std::max(1, columns);
    const int rows = std::max(1, (count + columns - 1) / columns);
    QImage grid(columns * kSide, rows * kSide, QImage::Format_Grayscale8);
    grid.fill(0);
    for (int i = 0; i < count; ++i)
        drawTile(grid, images + std::size_t(i) * kSide * kSide, i % columns, i / columns);
    return scaledUp(grid, scale);
}

QImage ImageGrid::scaledUp(const QImage &image, int scale)
{
    if (scale <= 1)
        return image;
    return image.scaled(image.width() * scale, image.height() * scale, Qt::IgnoreAspectRatio, Qt::FastTransformation);
}

QImage ImageGrid::ofReconstruction(const Reconstruction &r, int scale)
{
    return render({r.clean.data(), r.noisy.data(), r.reconstructed.data()}, r.count, scale);
}

QImage ImageGrid::stackWithCaptions(const QList<QImage> &images, const QStringList &captions)
{
    constexpr int kCaption = 24;
    int width = 0, height = 0;
    for (const QImage &img : images) {
        width = std::max(width, img.width());
        height += img.height() + kCaption;
    }
    QImage out(std::max(width, 1), std::max(height, 1), QImage::Format_RGB32);
    out.fill(QColor(32, 32, 32));
    QPainter p(&out);
    QFont font = p.font();
    font.setPixelSize(14);
    p.setFont(font);
    p.setPen(Qt::white);
    int y = 0;
    for (int i = 0; i < images.size(); ++i) {
        p.drawText(QRect(6, y, width - 12, kCaption), Qt::AlignVCenter | Qt::AlignLeft, captions.value(i));
        y += kCaption;
        p.drawImage(0, y, images[i]);
        y += images[i].height();
    }
    return out;
}

QImage ImageGrid::ofEpochs(const QVector<ProbeSnapshot> &snapshots, const NoiseSpec &noise, int scale)
{
    QList<QImage> rows;
    QStringList captions;
    for (const ProbeSnapshot &s : snapshots) {
        const Reconstruction r = s.toReconstruction();
        if (r.count == 0)
            continue;
        if (rows.isEmpty()) {
            rows << render({r.clean.data()}, r.count, scale) << render({r.noisy.data()}, r.count, scale);
            captions << QStringLiteral("original")
                     << (noise.isClean() ? QStringLiteral("input (no noise)")
                                         : QStringLiteral("noisy input (%1)").arg(noise.describe()));
        }
        rows << render({r.reconstructed.data()}, r.count, scale);
        captions << QStringLiteral("epoch %1 — %2 dB").arg(s.epoch).arg(r.metrics.psnrMeanDb, 0, 'f', 2);
    }
    return stackWithCaptions(rows, captions);
}

} // namespace aestudio
