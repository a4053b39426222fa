// The report as one self-contained HTML page: inline CSS, every image a PNG data URI (charts drawn by the same
// LinePlot as the PDF, at 2x), pixel images shown enlarged with crisp pixels, no script and nothing fetched.
#include "RunReport.h"

#include "ImageFormat.h"

#include <QBuffer>
#include <QPainter>

namespace aestudio {
namespace {

constexpr int kTilePx = 40; // on screen, per 28 px image

QString esc(const QString &s)
{
    return s.toHtmlEscaped();
}

QString dataUri(const QImage &image)
{
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return QStringLiteral("data:image/png;base64,") + QString::fromLatin1(png.toBase64());
}

QString plotImg(const LinePlot &plot, const QString &alt, QSizeF points = QSizeF(340, 220))
{
    return QStringLiteral("<img class=\"plot\" width=\"%1\" height=\"%2\" alt=\"%3\" src=\"%4\">")
        .arg(int(points.width() * 1.25))
        .arg(int(points.height() * 1.25))
        .arg(esc(alt), dataUri(plot.image(points, 2.0)));
}

// Rows of 28 px tiles with a label beside each row and, when given, two lines of text under each column.
QString tiles(const QImage &image, const QStringList &rowLabels, const QStringList &below = {})
{
    const int columns = image.width() / kImageSide, rows = image.height() / kImageSide;
    QString html = QStringLiteral("<div class=\"tiles\"><div class=\"rowlabels\">");
    for (int r = 0; r < rows; ++r)
        html += QStringLiteral("<div style=\"height:%1px\">%2</div>").arg(kTilePx).arg(esc(rowLabels.value(r)));
    html += QStringLiteral("</div><div><img class=\"pixels\" width=\"%1\" height=\"%2\" alt=\"%3\" src=\"%4\">")
                .arg(columns * kTilePx)
                .arg(rows * kTilePx)
                .arg(esc(rowLabels.join(QStringLiteral(", "))), dataUri(image));
    if (!below.isEmpty()) {
        html += QStringLiteral("<div class=\"below\">");
        for (const QString &b : below)
            html += QStringLiteral("<div style=\"width:%1px\">%2</div>")
                        .arg(kTilePx)
                        .arg(esc(b).replace(QLatin1Char('\n'), QStringLiteral("<br>")));
        html += QStringLiteral("</div>");
    }
    return html + QStringLiteral("</div></div>\n");
}

QString table(const RunReport::Table &t)
{
    QString html = QStringLiteral("<table><tr>");
    for (const QString &h : t.header)
        html += QStringLiteral("<th>%1</th>").arg(esc(h));
    html += QStringLiteral("</tr>\n");
    for (int r = 0; r < t.rows.size(); ++r) {
        html += QStringLiteral("<tr>");
        for (int c = 0; c < t.rows[r].size(); ++c) {
            const QString cell = esc(t.rows[r][c]);
            html += QStringLiteral("<td>%1</td>")
                        .arg(t.best.value(r).value(c) ? QStringLiteral("<b>%1</b>").arg(cell) : cell);
        }
        html += QStringLiteral("</tr>\n");
    }
    return html + QStringLiteral("</table>\n");
}

} // namespace

QByteArray RunReport::html() const
{
    QString h
        = QStringLiteral(
              "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>%1</title>\n<style>\n"
              "body{font-family:'DejaVu Sans',sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#111}\n"
              "h1{font-size:1.5em;margin-bottom:.2em} h2{font-size:1.15em;margin-top:1.6em}\n"
              ".sub{color:#555;font-size:.9em} .mono{font-family:'DejaVu Sans "
              "Mono',monospace;font-size:.8em;color:#444}\n"
              "dl.facts{display:grid;grid-template-columns:9em 1fr;gap:.15em 1em;font-size:.9em}\n"
              "dl.facts dt{font-weight:bold;color:#333} dl.facts dd{margin:0}\n"
              "img.pixels{image-rendering:pixelated;image-rendering:crisp-edges}\n"
              ".tiles{display:flex;gap:.5em;overflow-x:auto} .rowlabels div{display:flex;align-items:center;"
              "justify-content:flex-end;font-size:.8em;white-space:nowrap}\n"
              ".below{display:flex;font-size:.65em;text-align:center;line-height:1.2} .below div{overflow:hidden}\n"
              "table{border-collapse:collapse;font-size:.9em} th,td{padding:.2em .6em;border-bottom:1px solid #ccc;"
              "text-align:right} th:first-child,td:first-child{text-align:left} th{background:#eee}\n"
              ".note{color:#963c00}\n</style></head><body>\n")
              .arg(esc(title));
    h += QStringLiteral("<h1>%1</h1>\n<p class=\"sub\">%2 · report written %3</p>\n<p class=\"mono\">%4</p>\n")
             .arg(esc(title), esc(subtitle), created.toString(QStringLiteral("yyyy-MM-dd HH:mm")), esc(folder));
    h += QStringLiteral("<dl class=\"facts\">\n");
    for (const auto &[label, value] : facts)
        h += QStringLiteral("<dt>%1</dt><dd>%2</dd>\n").arg(esc(label), esc(value));
    h += QStringLiteral("</dl>\n");
    if (!datasetFiles.isEmpty())
        h += QStringLiteral("<p class=\"mono\">%1</p>\n")
                 .arg(esc(datasetFiles.join(QLatin1Char('\n'))).replace(QLatin1Char('\n'), QStringLiteral("<br>")));

    if (isSweep) {
        h += QStringLiteral("<h2>Table 1.1: best validation loss (MSE)%1</h2>\n")
                 .arg(seed.isEmpty()
                          ? QString()
                          : QStringLiteral(", ours (in brackets: the seed report, the study this studio reproduces)"));
        h += table(pivotTable());
        if (!beatenLine().isEmpty())
            h += QStringLiteral("<p>%1</p>\n").arg(esc(beatenLine()));
        if (!seedProtocolNote().isEmpty())
            h += QStringLiteral("<p class=\"note\">%1</p>\n").arg(esc(seedProtocolNote()));
        h += plotImg(sweepPlot(), QStringLiteral("best validation loss by latent dim"), QSizeF(560, 240));
        h += QStringLiteral("<h2>Every cell</h2>\n") + table(cellsTable());
    } else {
        h += QStringLiteral("<h2>Training</h2>\n<p>%1 %2</p>\n")
                 .arg(plotImg(lossPlot(), QStringLiteral("loss")), plotImg(psnrPlot(), QStringLiteral("PSNR")));
        for (const Grid &g : grids)
            h += QStringLiteral("<h2>%1</h2>\n").arg(esc(g.caption + QStringLiteral(" (first 16 validation images)")))
                + tiles(g.image, rowLabels());
        if (!robustness.points.isEmpty()) {
            h += QStringLiteral("<h2>Robustness and where it fails</h2>\n<p>%1</p>\n")
                     .arg(plotImg(robustnessPlot(), QStringLiteral("robustness")));
            h += QStringLiteral("<h2>Mean PSNR per class, hardest first</h2>\n<table><tr><th>class</th><th>images</th>"
                                "<th>mean PSNR</th></tr>\n");
            QVector<ErrorViews::ClassPsnr> sorted = classes;
            std::sort(sorted.begin(), sorted.end(),
                      [](const auto &a, const auto &b) { return a.meanPsnrDb < b.meanPsnrDb; });
            for (const ErrorViews::ClassPsnr &c : sorted)
                h += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3 dB</td></tr>\n")
                         .arg(esc(c.name), QString::number(c.count), QString::number(c.meanPsnrDb, 'f', 2));
            h += QStringLiteral("</table>\n");
        }
        if (!worstStrip.isNull())
            h += QStringLiteral("<h2>%1</h2>\n<p class=\"sub\">%2</p>\n")
                     .arg(
                         worstLabels.size() == 1
                             ? QStringLiteral("The validation image it reconstructs worst")
                             : QStringLiteral("The %1 validation images it reconstructs worst").arg(worstLabels.size()),
                         esc(errorCaption))
                + tiles(worstStrip, rowLabels(), worstLabels);
        h += QStringLiteral(
                 "<p class=\"sub\">Error rows: |original − reconstruction| per pixel in viridis, dark = "
                 "exact, yellow = off by "
                 "%1 or more. PSNR (global) = 10·log10(1/MSE) over the whole set, as the seed report (the study "
                 "this studio reproduces) measures it; PSNR (mean of images) averages each image's own "
                 "PSNR, and is what the robustness curve, the worst images and the classes use.</p>\n")
                 .arg(double(ErrorViews::kHeatmapMax));
    }
    for (const QString &note : notes)
        h += QStringLiteral("<p class=\"note\">%1</p>\n").arg(esc(note));
    h += QStringLiteral("<p class=\"sub\">Autoencoder Studio %1</p>\n</body></html>\n")
             .arg(QStringLiteral(AESTUDIO_VERSION));
    return h.toUtf8();
}

} // namespace aestudio
