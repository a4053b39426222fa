// `download` and `import`: getting data into the store, so that --dataset NAME finds it in every command.
#include "CliOptions.h"
#include "Commands.h"
#include "ConsoleProgress.h"

#include "DatasetDownload.h"
#include "DatasetSources.h"
#include "DatasetStore.h"
#include "Errors.h"
#include "ImageImport.h"
#include "StopSignals.h"

#include <QCommandLineParser>
#include <QDir>
#include <QLoggingCategory>

#include <atomic>
#include <cstdio>

namespace aestudio::cli {

int downloadCommand(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(
        QStringLiteral("Download a dataset (mnist, fashion-mnist, kmnist) into $AESTUDIO_DATA_DIR/NAME or "
                       "~/.local/share/aestudio/datasets/NAME, verifying every file's MD5 before it is kept."));
    p.addHelpOption();
    p.addPositionalArgument(QStringLiteral("name"), QStringLiteral("mnist, fashion-mnist or kmnist"));
    p.addOptions({
        {QStringLiteral("mirror"),
         QStringLiteral("Base URL to fetch from, instead of the built-in mirrors; repeat "
                        "to try several in order."),
         QStringLiteral("url")},
        {QStringLiteral("checksums"),
         QStringLiteral("md5sum-format file (\"<md5>  <file>\") replacing the "
                        "built-in sums."),
         QStringLiteral("file")},
        {QStringLiteral("data-dir"), QStringLiteral("Store into DIR/NAME."), QStringLiteral("dir")},
        {QStringLiteral("timeout"),
         QStringLiteral("Give up on a mirror after this many seconds without a byte "
                        "(default 20)."),
         QStringLiteral("seconds"), QStringLiteral("20")},
    });
    parseArguments(p, args);
    if (p.positionalArguments().size() != 1) {
        QStringList known;
        for (const DatasetSource &s : DatasetSources::all())
            known << s.name;
        throw ConfigError(QStringLiteral("give one dataset name: %1").arg(known.join(QStringLiteral(", "))));
    }

    DownloadOptions o;
    o.name = p.positionalArguments().first();
    o.mirrors = p.values(QStringLiteral("mirror"));
    if (p.isSet(QStringLiteral("checksums")))
        o.md5 = DatasetSources::readMd5SumsFile(p.value(QStringLiteral("checksums")));
    o.dataRoot = p.value(QStringLiteral("data-dir"));
    const double timeout = doubleOption(p, QStringLiteral("timeout"));
    if (!(timeout >= 0.1 && timeout <= 3600))
        throw ConfigError(QStringLiteral("--timeout %1 must lie between 0.1 and 3600 seconds").arg(timeout));
    o.stallTimeoutMs = int(timeout * 1000);
    o.connectTimeoutMs = o.stallTimeoutMs;

    DatasetDownload download(o);
    LiveLine line;
    download.onProgress = [&](const DownloadProgress &progress) { line.show(progress.text()); };
    download.onMessage = [&](const QString &m) { line.note(m); };
    std::atomic<bool> stop{false};
    const StopSignals::Scope onSignal([&](int) { stop = true; });
    const DownloadResult r = download.run([&] { return stop.load(); });
    line.clear();
    if (r.cancelled)
        throw DatasetError(QStringLiteral("interrupted; no partial file was kept, and files already verified stay "
                                          "(run the same command again to fetch the rest)"));
    if (!r.ok)
        throw DatasetError(r.error);
    std::printf("%s: 4 files verified in %s\n", qPrintable(o.name), qPrintable(r.directory));
    return 0;
}

int importCommand(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Turn a folder of PNG/JPEG/BMP images (one sub-folder per class, or flat) into a dataset named NAME, stored "
        "beside the downloaded ones; a folder that already holds the four IDX files is registered in place."));
    p.addHelpOption();
    p.addOptions({
        {QStringLiteral("images"), QStringLiteral("The folder of images."), QStringLiteral("dir")},
        {QStringLiteral("name"), QStringLiteral("The dataset's name, for --dataset NAME."), QStringLiteral("name")},
        {QStringLiteral("invert"), QStringLiteral("Dark ink on a light background: invert, so the ink is bright.")},
        {QStringLiteral("test-fraction"), QStringLiteral("Fraction held out as the test set (default 0.2)."),
         QStringLiteral("f"), QStringLiteral("0.2")},
        {QStringLiteral("seed"), QStringLiteral("Seed of the train/test shuffle (default 0)."), QStringLiteral("n"),
         QStringLiteral("0")},
    });
    parseArguments(p, args);
    if (!p.isSet(QStringLiteral("images")) || !p.isSet(QStringLiteral("name")))
        throw ConfigError(QStringLiteral("--images DIR and --name NAME are both required"));
    ImportOptions o;
    o.imagesDir = p.value(QStringLiteral("images"));
    o.name = p.value(QStringLiteral("name"));
    o.invert = p.isSet(QStringLiteral("invert"));
    o.testFraction = doubleOption(p, QStringLiteral("test-fraction"));
    o.seed = seedOption(p, QStringLiteral("seed"));

    // A corrupt image is counted in the summary; Qt's own warning line for it would only repeat that, unescaped.
    QLoggingCategory::setFilterRules(QStringLiteral("qt.gui.imageio=false"));
    LiveLine line;
    std::atomic<bool> stop{false};
    const StopSignals::Scope onSignal([&](int) { stop = true; });
    const ImportResult r = ImageImport::run(
        o, [&](int done, int total) { line.show(QStringLiteral("reading images: %1/%2").arg(done).arg(total)); },
        [&] { return stop.load(); });
    line.clear();
    std::printf("%s\n", qPrintable(r.summary()));
    if (!r.linked)
        std::printf("%s: %d train, %d test images%s in %s\n", qPrintable(o.name), r.trainCount, r.testCount,
                    r.classes.isEmpty() ? ""
                                        : qPrintable(QStringLiteral(", %1 classes (%2)")
                                                         .arg(r.classes.size())
                                                         .arg(r.classes.join(QStringLiteral(", ")))),
                    qPrintable(r.directory));
    std::printf("train on it with: aestudio-cli train --dataset %s\n", qPrintable(o.name));
    return 0;
}

} // namespace aestudio::cli
