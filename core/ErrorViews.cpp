#include "ErrorViews.h"

#include "ImageFormat.h"
#include "ImageGrid.h"

#include <QColor>
#include <QFontMetricsF>
#include <QPainter>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace aestudio {
namespace {

// Viridis at nine even steps (viridisLite's viridis(9); the map is CC0), interpolated linearly between them.
constexpr QRgb kViridisAnchors[]
    = {0x440154, 0x472D7B, 0x3B528B, 0x2C728E, 0x21908C, 0x27AD81, 0x5DC863, 0xAADC32, 0xFDE725};

} // namespace

QRgb ErrorViews::viridis(float t)
{
    constexpr int last = int(std::size(kViridisAnchors)) - 1;
    const float x = std::clamp(std::isfinite(t) ? t : 0.0f, 0.0f, 1.0f) * last;
    const int i = std::min(int(x), last - 1);
    const float f = x - float(i);
    const QRgb a = kViridisAnchors[i], b = kViridisAnchors[i + 1];
    auto mix = [f](int p, int q) { return int(std::lround(p + (q - p) * f)); };
    return qRgb(mix(qRed(a), qRed(b)), mix(qGreen(a), qGreen(b)), mix(qBlue(a), qBlue(b)));
}

QImage ErrorViews::heatmap(const float *clean, const float *reconstructed, int count, int columns, int scale)
{
    columns = std::max(1, columns);
    const int rows = std::max(1, (count + columns - 1) / columns);
    QImage out(columns * kImageSide, rows * kImageSide, QImage::Format_RGB32);
    out.fill(viridis(0.0f));
    for (int i = 0; i < count; ++i) {
        const float *x = clean + std::size_t(i) * kPixelsPerImage;
        const float *y = reconstructed + std::size_t(i) * kPixelsPerImage;
        const int ox = (i % columns) * kImageSide, oy = (i / columns) * kImageSide;
        for (int py = 0; py < kImageSide; ++py) {
            auto *line = reinterpret_cast<QRgb *>(out.scanLine(oy + py)) + ox;
            for (int px = 0; px < kImageSide; ++px) {
                const int k = py * kImageSide + px;
                line[px] = viridis(std::abs(x[k] - y[k]) / kHeatmapMax);
            }
        }
    }
    return ImageGrid::scaledUp(out, scale);
}

QImage ErrorViews::colourBar(int width, int height)
{
    QImage bar(std::max(2, width), std::max(1, height), QImage::Format_RGB32);
    for (int x = 0; x < bar.width(); ++x) {
        const QRgb c = viridis(float(x) / float(bar.width() - 1));
        for (int y = 0; y < bar.height(); ++y)
            bar.setPixel(x, y, c);
    }
    return bar;
}

QString ErrorViews::className(int label, const QStringList &classNames)
{
    return label >= 0 && label < classNames.size() ? classNames[label] : QString::number(label);
}

QVector<ErrorViews::Ranked> ErrorViews::worstK(const std::vector<double> &psnrDb, int k)
{
    std::vector<int> order(psnrDb.size());
    std::iota(order.begin(), order.end(), 0);
    const auto worse = [&](int a, int b) {
        return psnrDb[std::size_t(a)] != psnrDb[std::size_t(b)] ? psnrDb[std::size_t(a)] < psnrDb[std::size_t(b)]
                                                                : a < b;
    };
    const std::size_t n = std::min(order.size(), std::size_t(std::max(0, k)));
    std::partial_sort(order.begin(), order.begin() + std::ptrdiff_t(n), order.end(), worse);
    QVector<Ranked> out;
    for (std::size_t i = 0; i < n; ++i)
        out.append({order[i], psnrDb[std::size_t(order[i])]});
    return out;
}

QVector<ErrorViews::ClassPsnr> ErrorViews::perClass(const std::vector<double> &psnrDb,
                                                    const std::vector<std::uint8_t> &labels,
                                                    const QStringList &classNames)
{
    QVector<double> sum(256, 0.0);
    QVector<int> count(256, 0);
    for (std::size_t i = 0; i < std::min(psnrDb.size(), labels.size()); ++i) {
        sum[labels[i]] += psnrDb[i];
        ++count[labels[i]];
    }
    QVector<ClassPsnr> out;
    for (int l = 0; l < 256; ++l)
        if (count[l] > 0)
            out.append({l, className(l, classNames), count[l], sum[l] / count[l]});
    return out;
}

QByteArray ErrorViews::perClassCsv(const QVector<ClassPsnr> &classes)
{
    QByteArray csv = "label,class,images,mean_psnr_db\n";
    for (const ClassPsnr &c : classes) {
        QString name = c.name;
        name.replace(QLatin1Char('"'), QStringLiteral("\"\""));
        csv += QByteArray::number(c.label) + ",\"" + name.toUtf8() + "\"," + QByteArray::number(c.count) + ','
            + QByteArray::number(c.meanPsnrDb, 'f', 4) + '\n';
    }
    return csv;
}

} // namespace aestudio

namespace aestudio {

QImage ErrorViews::worstStrip(const Reconstruction &r, const QVector<Ranked> &worst, int scale)
{
    // The worst images of one row of `r`, in order.
    auto pick = [&worst](const std::vector<float> &all) {
        std::vector<float> out;
        for (const Ranked &w : worst) {
            const auto at = all.begin() + std::ptrdiff_t(w.index) * kPixelsPerImage;
            out.insert(out.end(), at, at + kPixelsPerImage);
        }
        return out;
    };
    const int k = int(worst.size());
    const int tile = kImageSide * scale;
    QImage out(std::max(1, k) * tile, 4 * tile, QImage::Format_RGB32);
    out.fill(QColor(32, 32, 32));
    if (k == 0)
        return out;
    const std::vector<float> clean = pick(r.clean), noisy = pick(r.noisy), recon = pick(r.reconstructed);
    QPainter p(&out);
    p.drawImage(0, 0, ImageGrid::render({clean.data(), noisy.data(), recon.data()}, k, scale));
    p.drawImage(0, 3 * tile, heatmap(clean.data(), recon.data(), k, k, scale));
    return out;
}

void ErrorViews::paintClassBars(QPainter &p, const QRectF &rect, QVector<ClassPsnr> classes)
{
    std::sort(classes.begin(), classes.end(), [](const auto &a, const auto &b) { return a.meanPsnrDb < b.meanPsnrDb; });
    if (classes.isEmpty())
        return;
    const QFontMetricsF fm(p.font(), p.device());
    // Rows no lower than the text: the hardest classes that fit, then a line counting the rest (the CSV has all).
    const int room = std::max(2, int(rect.height() / fm.height()));
    qsizetype hidden = 0;
    if (classes.size() > room) {
        hidden = classes.size() - (room - 1);
        classes.resize(room - 1);
    }
    // Names take at most 35% of the width, elided.
    const double nameRoom = rect.width() * 0.35;
    double names = 0;
    for (const ClassPsnr &c : classes)
        names = std::max(names, std::min(nameRoom, fm.horizontalAdvance(c.name)));
    names += 6;
    const double value = fm.horizontalAdvance(QStringLiteral("00.00 dB")) + 6;
    const double row = rect.height() / double(classes.size() + (hidden > 0 ? 1 : 0));
    double top = 1;
    for (const ClassPsnr &c : classes)
        top = std::max(top, c.meanPsnrDb);
    p.save();
    for (int i = 0; i < classes.size(); ++i) {
        const QRectF line(rect.left(), rect.top() + i * row, rect.width(), row);
        p.setPen(Qt::black);
        p.drawText(QRectF(line.left(), line.top(), names - 6, row), Qt::AlignRight | Qt::AlignVCenter,
                   fm.elidedText(classes[i].name, Qt::ElideRight, names - 6));
        const double w = (rect.width() - names - value) * std::max(0.0, classes[i].meanPsnrDb) / top;
        p.fillRect(QRectF(line.left() + names, line.top() + row * 0.15, w, row * 0.7),
                   QColor(viridis(float(i) / float(std::max(1, int(classes.size()) - 1)) * 0.8f)));
        p.drawText(QRectF(line.left() + names + w + 4, line.top(), value, row), Qt::AlignLeft | Qt::AlignVCenter,
                   QStringLiteral("%1 dB").arg(classes[i].meanPsnrDb, 0, 'f', 2));
    }
    if (hidden > 0) {
        p.setPen(Qt::black);
        p.drawText(QRectF(rect.left() + names, rect.top() + double(classes.size()) * row, rect.width() - names, row),
                   Qt::AlignLeft | Qt::AlignVCenter, QStringLiteral("… %1 easier classes not shown").arg(hidden));
    }
    p.restore();
}

} // namespace aestudio
