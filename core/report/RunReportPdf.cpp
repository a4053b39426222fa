// The report as a PDF: QPdfWriter at 72 dpi, so one unit is one point and text is real (selectable) text. The page
// content sits in a 523 x 720 pt box, which fits inside both A4 (595 x 842) and Letter (612 x 792) with margins,
// centred on whichever page is chosen.
#include "RunReport.h"

#include "ImageFormat.h"
#include "ImageGrid.h"

#include <QBuffer>
#include <QFontMetricsF>
#include <QPainter>
#include <QPdfWriter>

#include <numeric>

namespace aestudio {
namespace {

constexpr double kContentWidth = 523, kContentHeight = 720;
constexpr double kGap = 10;
constexpr int kMaxPages = 2;
// Images go into the PDF enlarged this many times (nearest-neighbour), so viewers that smooth upscaled images still
// show crisp pixels.
constexpr int kImageScale = 6;

class PdfLayout {
public:
    PdfLayout(QPainter &p, QPdfWriter &writer, QPageSize::PageSizeId page) : m_p(p), m_writer(writer)
    {
        const QSizeF size = QPageSize(page).size(QPageSize::Point);
        m_box = QRectF((size.width() - kContentWidth) / 2, (size.height() - kContentHeight) / 2, kContentWidth,
                       kContentHeight);
        m_y = m_box.top();
    }
    QRectF box() const { return m_box; }
    double y() const { return m_y; }
    void skip(double h) { m_y += h; }
    bool fits(double h) const { return m_y + h <= m_box.bottom(); }
    // False, and nothing happens, once the document has its kMaxPages.
    bool newPage()
    {
        if (m_pages >= kMaxPages)
            return false;
        m_writer.newPage();
        m_y = m_box.top();
        ++m_pages;
        return true;
    }
    // One line, elided in the middle when too long (a long unbroken run name or path).
    void line(const QString &s, double points, bool bold = false, QColor colour = Qt::black, bool mono = false)
    {
        m_p.setFont(font(points, bold, mono));
        m_p.setPen(colour);
        const QFontMetricsF fm(m_p.font(), m_p.device());
        m_p.drawText(QRectF(m_box.left(), m_y, m_box.width(), fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
                     fm.elidedText(s, Qt::ElideMiddle, m_box.width()));
        m_y += fm.height();
    }

    QFont font(double points, bool bold = false, bool mono = false) const
    {
        QFont f(mono ? QStringLiteral("DejaVu Sans Mono") : QStringLiteral("DejaVu Sans"));
        f.setStyleHint(mono ? QFont::Monospace : QFont::SansSerif);
        f.setPointSizeF(points);
        f.setBold(bold);
        // No shaping, so no ligatures: "fi" stays two letters in copied and searched text.
        f.setStyleStrategy(QFont::PreferNoShaping);
        return f;
    }
    // Wrapped text across the box; returns its height.
    double text(const QString &s, double points, bool bold = false, QColor colour = Qt::black, bool mono = false)
    {
        m_p.setFont(font(points, bold, mono));
        m_p.setPen(colour);
        const QRectF bounds
            = m_p.boundingRect(QRectF(m_box.left(), m_y, m_box.width(), 1000), Qt::TextWordWrap | Qt::AlignLeft, s);
        m_p.drawText(QRectF(m_box.left(), m_y, m_box.width(), bounds.height()), Qt::TextWordWrap | Qt::AlignLeft, s);
        m_y += bounds.height();
        return bounds.height();
    }
    // Label/value pairs in two columns.
    void facts(const QVector<QPair<QString, QString>> &facts)
    {
        const double column = (m_box.width() - kGap) / 2, labelWidth = 74;
        const int half = int((facts.size() + 1) / 2);
        double yLeft = m_y, yRight = m_y;
        for (int i = 0; i < facts.size(); ++i) {
            double &y = i < half ? yLeft : yRight;
            const double x = m_box.left() + (i < half ? 0 : column + kGap);
            m_p.setFont(font(7, true));
            m_p.setPen(QColor(60, 60, 60));
            m_p.drawText(QRectF(x, y, labelWidth, 20), Qt::AlignLeft | Qt::AlignTop, facts[i].first);
            m_p.setFont(font(7));
            m_p.setPen(Qt::black);
            const QRectF value(x + labelWidth, y, column - labelWidth, 200);
            const QRectF bounds = m_p.boundingRect(value, Qt::TextWordWrap | Qt::AlignLeft, facts[i].second);
            m_p.drawText(value, Qt::TextWordWrap | Qt::AlignLeft, facts[i].second);
            y += std::max(bounds.height(), 9.0) + 1.5;
        }
        m_y = std::max(yLeft, yRight);
    }
    void plots(const LinePlot &left, const LinePlot &right, double height)
    {
        m_p.setFont(font(8));
        const double w = (m_box.width() - kGap) / 2;
        left.paint(m_p, QRectF(m_box.left(), m_y, w, height));
        right.paint(m_p, QRectF(m_box.left() + w + kGap, m_y, w, height));
        m_y += height;
    }
    // An image of rows of 28 px tiles, with a label left of each row; `below` holds text under each column.
    void tiles(const QImage &image, int columns, const QStringList &rowLabels, const QStringList &below = {})
    {
        constexpr double labelWidth = 58;
        const double tile = std::min(34.0, (m_box.width() - labelWidth) / std::max(16, columns));
        const int rows = image.height() / kImageSide;
        const QRectF target(m_box.left() + labelWidth, m_y, tile * columns, tile * rows);
        // Lossless (Flate): Qt's PDF writer otherwise stores images as JPEG, which smears the pixel edges.
        const QImage big = ImageGrid::scaledUp(image, kImageScale);
        m_p.setRenderHint(QPainter::LosslessImageRendering);
        m_p.drawImage(target, big);
        m_p.setFont(font(6.5));
        m_p.setPen(Qt::black);
        for (int r = 0; r < rowLabels.size() && r < rows; ++r)
            m_p.drawText(QRectF(m_box.left(), m_y + r * tile, labelWidth - 4, tile), Qt::AlignRight | Qt::AlignVCenter,
                         rowLabels[r]);
        m_y += tile * rows;
        if (below.isEmpty() || tile < 20) // too narrow to read (K above ~23); the HTML report keeps them
            return;
        m_p.setFont(font(5));
        const QFontMetricsF fm(m_p.font(), m_p.device());
        for (int c = 0; c < below.size() && c < columns; ++c) {
            const QStringList lines = below[c].split(QLatin1Char('\n'));
            for (int l = 0; l < lines.size(); ++l)
                m_p.drawText(QRectF(target.left() + c * tile, m_y + 1 + l * fm.height(), tile, fm.height()),
                             Qt::AlignHCenter | Qt::AlignTop, fm.elidedText(lines[l], Qt::ElideRight, tile));
        }
        m_y += 2 + 2 * fm.height();
    }
    // A table with its header; rows that do not fit on the last page are counted in `more` ("… and %1 more …").
    void table(const RunReport::Table &t, double points, const QString &more)
    {
        // Column widths from the contents; a table wider than the box is set in a smaller font, never clipped.
        QVector<double> widths(t.header.size(), 0);
        auto measure = [&](const QFontMetricsF &fm) {
            std::fill(widths.begin(), widths.end(), 0.0);
            auto row = [&](const QStringList &cells) {
                for (int c = 0; c < cells.size() && c < widths.size(); ++c)
                    widths[c] = std::max(widths[c], fm.horizontalAdvance(cells[c]) + 8);
            };
            row(t.header);
            for (const QStringList &cells : t.rows)
                row(cells);
            return std::accumulate(widths.begin(), widths.end(), 0.0);
        };
        double total = measure(QFontMetricsF(font(points, true), m_p.device()));
        if (total > m_box.width()) {
            points = std::max(3.5, points * m_box.width() / total);
            total = measure(QFontMetricsF(font(points, true), m_p.device()));
        }
        const QFont normal = font(points), bold = font(points, true);
        const QFontMetricsF fm(bold, m_p.device());
        const double rowHeight = fm.height() + 3;
        const double scale = total > m_box.width() ? m_box.width() / total : 1.0;
        auto drawRow = [&](const QStringList &row, const QVector<bool> &best, bool header) {
            double x = m_box.left();
            if (header)
                m_p.fillRect(QRectF(x, m_y, total * scale, rowHeight), QColor(235, 235, 235));
            for (int c = 0; c < row.size() && c < widths.size(); ++c) {
                m_p.setFont(header || best.value(c) ? bold : normal);
                m_p.setPen(Qt::black);
                const QRectF cell(x + 3, m_y, widths[c] * scale - 4, rowHeight);
                m_p.drawText(cell, (c == 0 ? Qt::AlignLeft : Qt::AlignRight) | Qt::AlignVCenter,
                             QFontMetricsF(m_p.font(), m_p.device()).elidedText(row[c], Qt::ElideMiddle, cell.width()));
                x += widths[c] * scale;
            }
            m_p.setPen(QPen(QColor(200, 200, 200), 0.5));
            m_p.drawLine(QPointF(m_box.left(), m_y + rowHeight),
                         QPointF(m_box.left() + total * scale, m_y + rowHeight));
            m_y += rowHeight;
        };
        drawRow(t.header, {}, true);
        for (int r = 0; r < t.rows.size(); ++r) {
            if (!fits(rowHeight * 2)) {
                if (!newPage()) { // the document stays at most kMaxPages; the CSV has every row
                    text(more.arg(t.rows.size() - r), points);
                    return;
                }
                drawRow(t.header, {}, true);
            }
            drawRow(t.rows[r], t.best.value(r), false);
        }
    }

private:
    QPainter &m_p;
    QPdfWriter &m_writer;
    QRectF m_box;
    double m_y = 0;
    int m_pages = 1;
};

void header(PdfLayout &l, const RunReport &r)
{
    l.line(r.title, 15, true);
    l.skip(2);
    l.text(QStringLiteral("%1 · report written %2")
               .arg(r.subtitle, r.created.toString(QStringLiteral("yyyy-MM-dd HH:mm"))),
           7.5, false, QColor(90, 90, 90));
    l.line(r.folder, 6.5, false, QColor(90, 90, 90), true);
    l.skip(6);
    l.facts(r.facts);
    if (!r.datasetFiles.isEmpty()) {
        l.skip(3);
        l.text(r.datasetFiles.join(QLatin1Char('\n')), 6, false, QColor(60, 60, 60), true);
    }
    l.skip(kGap);
}

void runPages(PdfLayout &l, QPainter &p, const RunReport &r)
{
    header(l, r);
    l.plots(r.lossPlot(), r.psnrPlot(), 170);
    l.skip(kGap);
    for (const RunReport::Grid &g : r.grids) {
        l.text(g.caption + QStringLiteral(" (first 16 validation images)"), 8, true);
        l.skip(2);
        l.tiles(g.image, g.image.width() / kImageSide, r.rowLabels());
        l.skip(6);
    }
    l.text(
        QStringLiteral(
            "Error rows: |original − reconstruction| per pixel in viridis, dark = exact, yellow = off by %1 or more. "
            "PSNR (global) = 10·log10(1/MSE) over the whole set, as the seed report (the study this studio reproduces) "
            "measures it; PSNR (mean of images) averages each image's own PSNR, and is what the robustness curve, the "
            "worst images and the classes use.")
            .arg(double(ErrorViews::kHeatmapMax)),
        6.5, false, QColor(90, 90, 90));

    if ((r.robustness.points.isEmpty() && r.worstStrip.isNull() && r.notes.isEmpty()) || !l.newPage())
        return;
    l.text(QStringLiteral("Robustness and where it fails"), 12, true);
    l.skip(6);
    if (!r.robustness.points.isEmpty()) {
        const double w = (l.box().width() - kGap) / 2;
        p.setFont(l.font(8));
        r.robustnessPlot().paint(p, QRectF(l.box().left(), l.y(), w, 190));
        const QRectF bars(l.box().left() + w + kGap, l.y(), w, 190);
        p.setFont(l.font(8, true));
        p.setPen(Qt::black);
        p.drawText(QRectF(bars.left(), bars.top(), w, 12), Qt::AlignLeft | Qt::AlignVCenter,
                   QStringLiteral("Mean PSNR per class, hardest first"));
        p.setFont(l.font(7));
        ErrorViews::paintClassBars(p, bars.adjusted(0, 16, 0, 0), r.classes);
        l.skip(190 + kGap);
    }
    if (!r.worstStrip.isNull()) {
        const int k = int(r.worstLabels.size());
        l.text(k == 1 ? QStringLiteral("The validation image it reconstructs worst")
                      : QStringLiteral("The %1 validation images it reconstructs worst").arg(k),
               8, true);
        l.text(r.errorCaption, 6.5, false, QColor(90, 90, 90));
        l.skip(3);
        // Rows of at most 16 images, as many as the page holds; the HTML report has all of them.
        constexpr int kPerRow = 16;
        const int rows = r.worstStrip.height() / kImageSide;
        for (int first = 0; first < k; first += kPerRow) {
            const int n = std::min(kPerRow, k - first);
            if (!l.fits(rows * 30.0 + 16)) {
                l.text(QStringLiteral("… and %1 more in the HTML report").arg(k - first), 7);
                break;
            }
            l.tiles(r.worstStrip.copy(first * kImageSide, 0, n * kImageSide, r.worstStrip.height()), n, r.rowLabels(),
                    r.worstLabels.mid(first, n));
            l.skip(4);
        }
        l.skip(kGap);
    }
    for (const QString &note : r.notes)
        l.text(note, 7, false, QColor(150, 60, 0));
}

void sweepPages(PdfLayout &l, QPainter &p, const RunReport &r)
{
    header(l, r);
    l.text(r.seed.isEmpty() ? QStringLiteral("Table 1.1: best validation loss (MSE) per model type and latent dim; "
                                             "the best of each row in bold")
                            : QStringLiteral("Table 1.1: best validation loss (MSE), ours (in brackets: the "
                                             "seed report, the study this studio reproduces); the best of each row in "
                                             "bold"),
           9, true);
    l.skip(4);
    l.table(r.pivotTable(), 7.5, QStringLiteral("… and %1 more model types in table.md"));
    if (!r.beatenLine().isEmpty()) {
        l.skip(4);
        l.text(r.beatenLine(), 7.5);
    }
    if (!r.seedProtocolNote().isEmpty())
        l.text(r.seedProtocolNote(), 7.5, false, QColor(150, 60, 0));
    l.skip(kGap);
    constexpr double plotHeight = 200;
    if (!l.fits(plotHeight) && !l.newPage())
        return;
    p.setFont(l.font(8));
    r.sweepPlot().paint(p, QRectF(l.box().left(), l.y(), l.box().width(), plotHeight));
    l.skip(plotHeight + kGap);
    if (!l.fits(60) && !l.newPage())
        return;
    l.text(QStringLiteral("Every cell (best epoch's validation numbers; test PSNR of the best weights)"), 9, true);
    l.skip(4);
    l.table(r.cellsTable(), 7, QStringLiteral("… and %1 more cells in results.csv"));
}

} // namespace

QByteArray RunReport::pdf(QPageSize::PageSizeId page) const
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QPdfWriter writer(&buffer);
    writer.setPageSize(QPageSize(page));
    writer.setPageMargins(QMarginsF(0, 0, 0, 0));
    writer.setResolution(72);
    writer.setTitle(title);
    writer.setCreator(QStringLiteral("Autoencoder Studio %1").arg(QStringLiteral(AESTUDIO_VERSION)));
    QPainter p(&writer);
    PdfLayout layout(p, writer, page);
    if (isSweep)
        sweepPages(layout, p, *this);
    else
        runPages(layout, p, *this);
    p.end();
    return buffer.data();
}

} // namespace aestudio
