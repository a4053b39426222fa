// report: one document of a run or a sweep folder, as a PDF or a self-contained HTML page.
#include "CliOptions.h"
#include "Commands.h"

#include "Errors.h"
#include "RunReport.h"

#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>

#include <cstdio>

namespace aestudio::cli {

int reportCommand(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Write one document of a run folder (settings with the dataset's SHA-256, loss and PSNR charts, probe grids "
        "at the best and final epochs with their error rows, robustness curve, worst images, PSNR per class) or of "
        "a sweep folder (the Table 1.1 pivot beside the seed report's numbers), as PDF or self-contained HTML."));
    p.addHelpOption();
    p.addOption({QStringLiteral("run"), QStringLiteral("Run or sweep folder (required)."), QStringLiteral("dir")});
    p.addOption({QStringLiteral("out"), QStringLiteral("report.pdf or report.html (default: DIR/report.pdf)."),
                 QStringLiteral("file")});
    p.addOption({QStringLiteral("page"), QStringLiteral("Page size of the PDF: a4 or letter (default a4)."),
                 QStringLiteral("size"), QStringLiteral("a4")});
    p.addOption({QStringLiteral("worst"), QStringLiteral("Images in the worst-K strip, 1 to 64 (default 16)."),
                 QStringLiteral("K"), QString::number(RunReport::kDefaultWorst)});
    parseArguments(p, args);
    if (!p.isSet(QStringLiteral("run")))
        throw ConfigError(QStringLiteral("--run DIR is required"));
    const QString page = p.value(QStringLiteral("page")).toLower();
    if (page != QLatin1String("a4") && page != QLatin1String("letter"))
        throw ConfigError(QStringLiteral("--page must be a4 or letter, not '%1'").arg(page));
    const QString folder = p.value(QStringLiteral("run"));
    const QString out = p.isSet(QStringLiteral("out")) ? outputFileOption(p, QStringLiteral("out"))
                                                       : QDir(folder).filePath(QStringLiteral("report.pdf"));
    const QString suffix = QFileInfo(out).suffix().toLower();
    if (suffix != QLatin1String("pdf") && suffix != QLatin1String("html") && suffix != QLatin1String("htm"))
        throw ConfigError(QStringLiteral("--out %1: a report is written as .pdf or .html").arg(out));
    QElapsedTimer timer;
    timer.start();
    const RunReport report = RunReport::fromFolder(folder, intOption(p, QStringLiteral("worst")));
    report.write(out, page == QLatin1String("letter") ? QPageSize::Letter : QPageSize::A4);
    for (const QString &note : report.notes)
        std::fprintf(stderr, "note: %s\n", qPrintable(note));
    std::printf("%s: %s\nwrote %s in %.1f s\n", qPrintable(report.title), qPrintable(report.subtitle), qPrintable(out),
                timer.elapsed() / 1000.0);
    return 0;
}

} // namespace aestudio::cli
