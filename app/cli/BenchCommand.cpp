#include "CliOptions.h"
#include "Commands.h"

#include "DatasetCatalog.h"
#include "Errors.h"
#include "Sgemm.h"
#include "SystemInfo.h"
#include "Trainer.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>

#include <sys/resource.h>

#include <cstdio>

namespace aestudio::cli {
namespace {

struct BenchCase {
    const char *name;
    int depth;
    int batchSize;
};

double modelFlopsPerSample(const ModelSpec &spec)
{
    // Forward 2*in*out per layer, backward twice that: 6 multiply-adds-as-flops per weight per sample.
    QVector<int> widths{kPixelsPerImage};
    widths += spec.hidden;
    widths << spec.latent;
    for (auto it = spec.hidden.crbegin(); it != spec.hidden.crend(); ++it)
        widths << *it;
    widths << kPixelsPerImage;
    double weights = 0;
    for (int i = 0; i + 1 < widths.size(); ++i)
        weights += double(widths[i]) * widths[i + 1];
    return 6.0 * weights;
}

QString findBaselineScript(const QString &given)
{
    QStringList candidates;
    if (!given.isEmpty())
        candidates << given;
    candidates << qEnvironmentVariable("AESTUDIO_PYTORCH_BASELINE")
               << QStringLiteral(AESTUDIO_SOURCE_DIR "/tools/pytorch_baseline.py")
               << QStringLiteral(AESTUDIO_SOURCE_DIR "/../shared/bench/pytorch_baseline.py");
    for (const QString &c : candidates)
        if (!c.isEmpty() && QFileInfo(c).isFile())
            return c;
    return {};
}

// Runs the PyTorch reference; returns samples/s, or a negative value with `why` set.
double runPytorch(const QString &python, const QString &script, const QString &dataDir, const BenchCase &c, int epochs,
                  int limit, int threads, QString *why)
{
    QProcess p;
    p.start(python,
            {script, QStringLiteral("--data"), dataDir, QStringLiteral("--depth"), QString::number(c.depth),
             QStringLiteral("--latent"), QStringLiteral("15"), QStringLiteral("--dropout"), QStringLiteral("0.2"),
             QStringLiteral("--noise"), QStringLiteral("0.5"), QStringLiteral("--batch-size"),
             QString::number(c.batchSize), QStringLiteral("--epochs"), QString::number(epochs),
             QStringLiteral("--threads"), QString::number(threads), QStringLiteral("--limit"), QString::number(limit)});
    if (!p.waitForStarted()) {
        *why = QStringLiteral("%1 could not be started").arg(python);
        return -1;
    }
    p.waitForFinished(-1);
    const QString out = QString::fromUtf8(p.readAllStandardOutput());
    const QString err = QString::fromUtf8(p.readAllStandardError());
    const auto match = QRegularExpression(QStringLiteral("RESULT samples_per_s=([0-9.]+)")).match(out);
    if (!match.hasMatch()) {
        *why = err.contains(QStringLiteral("No module named 'torch'"))
            ? QStringLiteral("python3-torch is not installed: apt-get install python3-torch python3-numpy")
            : QStringLiteral("the PyTorch reference failed: %1").arg(err.trimmed().section(QLatin1Char('\n'), -1));
        return -1;
    }
    return match.captured(1).toDouble();
}

class Silent : public TrainingObserver { };

} // namespace

int benchCommand(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Measure training throughput against the PyTorch reference, in one run, on the same data and settings."));
    p.addHelpOption();
    p.addOption({QStringLiteral("quick"), QStringLiteral("12,000 images instead of the full set.")});
    p.addOption({QStringLiteral("dataset"), QStringLiteral("Dataset (default fashion-mnist)."),
                 QStringLiteral("name|path"), QStringLiteral("fashion-mnist")});
    p.addOption({QStringLiteral("threads"), QStringLiteral("Threads for both trainers (default 2)."),
                 QStringLiteral("N"), QStringLiteral("2")});
    p.addOption({QStringLiteral("epochs"),
                 QStringLiteral("Epochs per case; the best epoch counts, so the first absorbs warm-up (default 2)."),
                 QStringLiteral("N")});
    p.addOption({QStringLiteral("python"), QStringLiteral("Python with torch (default /usr/bin/python3)."),
                 QStringLiteral("exe"), QStringLiteral("/usr/bin/python3")});
    p.addOption({QStringLiteral("baseline"), QStringLiteral("Path of pytorch_baseline.py."), QStringLiteral("file")});
    parseArguments(p, args);

    const bool quick = p.isSet(QStringLiteral("quick"));
    const int threads = intOption(p, QStringLiteral("threads"));
    const int epochs = p.isSet(QStringLiteral("epochs")) ? intOption(p, QStringLiteral("epochs")) : 2;
    const int limit = quick ? 12000 : 0;
    const QString dataset = p.value(QStringLiteral("dataset"));
    const DatasetLocation loc = DatasetCatalog::locate(dataset);
    auto data = std::make_shared<const DatasetSplit>(DatasetCatalog::load(dataset, SplitOptions{1.0 / 6.0, 0, limit}));
    const QString script = findBaselineScript(p.value(QStringLiteral("baseline")));
    QString pytorchProblem
        = script.isEmpty() ? QStringLiteral("pytorch_baseline.py not found (use --baseline)") : QString();

    std::printf("bench: %s, %d train images, %d epoch(s) per case, %d thread(s)\n", qPrintable(data->name),
                data->train.count(), epochs, threads);
    const SystemInfo::SgemmPeak sgemm = SystemInfo::measureSgemmGflops(threads);
    const double peak = sgemm.best();
    std::printf("SGEMM peak (1024^3, %d threads): %.1f GFLOP/s (libtorch BLAS %.1f, %s %.1f)\n\n", threads, peak,
                sgemm.torchBlas, gemm::backendName(), sgemm.stepGemm);
    std::printf("%-22s %12s %12s %8s %10s %8s\n", "case", "ours smp/s", "torch smp/s", "ratio", "GFLOP/s", "% peak");

    const BenchCase cases[]
        = {{"3-layer, batch 64", 3, 64}, {"3-layer, batch 256", 3, 256}, {"5-layer, batch 64", 5, 64}};
    double ratios[3] = {0, 0, 0}, pct[3] = {0, 0, 0};
    QStringList profiles;
    for (int i = 0; i < 3; ++i) {
        const BenchCase &c = cases[i];
        TrainingConfig cfg;
        cfg.dataset = dataset;
        cfg.model.hidden = ModelSpec::hiddenForDepth(c.depth);
        cfg.model.latent = 15;
        cfg.model.dropout = 0.2;
        cfg.noise = {NoiseType::Gaussian, 0.5};
        cfg.batchSize = c.batchSize;
        cfg.epochs = epochs;
        cfg.threads = threads;
        cfg.limit = limit;
        cfg.device = QStringLiteral("cpu");
        Trainer trainer(cfg, data);
        Silent silent;
        RunControl control;
        const Trainer::Outcome outcome = trainer.run(silent, control);
        if (outcome.failed)
            throw TrainingError(outcome.error);
        double best = 1e30;
        for (const EpochMetrics &m : trainer.history())
            best = std::min(best, m.trainSeconds);
        const double ours = data->train.count() / best;
        const Trainer::PhaseSeconds ph = trainer.phaseSeconds();
        const double perEpoch = 1.0 / std::max<qsizetype>(1, trainer.history().size());
        const QString step = ph.optimizerFused
            ? QStringLiteral("forward+backward+Adam (fused) %1 s").arg(ph.forwardBackward * perEpoch, 0, 'f', 2)
            : QStringLiteral("forward+backward %1 s, Adam %2 s")
                  .arg(ph.forwardBackward * perEpoch, 0, 'f', 2)
                  .arg(ph.optimizer * perEpoch, 0, 'f', 2);
        profiles << QStringLiteral("%1: data %2 s, noise %3 s, %4, other %5 s")
                        .arg(QString::fromLatin1(c.name))
                        .arg(ph.data * perEpoch, 0, 'f', 2)
                        .arg(ph.noise * perEpoch, 0, 'f', 2)
                        .arg(step)
                        .arg(ph.other * perEpoch, 0, 'f', 2);
        const double gflops = ours * modelFlopsPerSample(cfg.model) / 1e9;
        pct[i] = 100.0 * gflops / peak;
        double theirs = -1;
        if (pytorchProblem.isEmpty())
            theirs = runPytorch(p.value(QStringLiteral("python")), script, loc.directory, c, epochs, limit, threads,
                                &pytorchProblem);
        ratios[i] = theirs > 0 ? ours / theirs : 0.0;
        std::printf("%-22s %12.0f %12s %8s %10.1f %7.1f%%\n", c.name, ours,
                    theirs > 0 ? qPrintable(QString::number(theirs, 'f', 0)) : "-",
                    theirs > 0 ? qPrintable(QStringLiteral("%1x").arg(ratios[i], 0, 'f', 2)) : "-", gflops, pct[i]);
        std::fflush(stdout);
    }
    std::printf("\nwhere an epoch of ours goes (mean over epochs):\n");
    for (const QString &line : std::as_const(profiles))
        std::printf("  %s\n", qPrintable(line));
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const double rssMb = usage.ru_maxrss / 1024.0;
    std::printf("\npeak RSS while training %s: %.0f MB\n", qPrintable(data->name), rssMb);
    if (!pytorchProblem.isEmpty())
        std::printf("PyTorch reference not run: %s\n", qPrintable(pytorchProblem));
    std::printf("RESULT ratio_bs64=%.2f ratio_bs256=%.2f ratio_5layer=%.2f sgemm_pct_bs256=%.1f rss_mb=%.0f\n",
                ratios[0], ratios[1], ratios[2], pct[1], rssMb);
    return 0;
}

} // namespace aestudio::cli
