#include "CliOptions.h"
#include "Commands.h"

#include "DatasetCatalog.h"
#include "Errors.h"
#include "Sgemm.h"
#include "StepEngine.h"
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

// The environment with OpenBLAS left to choose its own kernels: this machine's environment forces older ones
// (OPENBLAS_CORETYPE=Haswell, OPENBLAS_L2_SIZE), which slows the PyTorch reference by ~1.5x on our shapes.
QProcessEnvironment openblasAuto()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("OPENBLAS_CORETYPE"));
    env.remove(QStringLiteral("OPENBLAS_L2_SIZE"));
    return env;
}

bool openblasForced()
{
    return !qEnvironmentVariableIsEmpty("OPENBLAS_CORETYPE") || !qEnvironmentVariableIsEmpty("OPENBLAS_L2_SIZE");
}

// Before timing the peer with OpenBLAS's own kernel choice, check that choice computes right: a 64x784x512 product
// (the first layer's shape at batch 64) against float64. Returns the relative error, or a negative value.
double checkPeerKernels(const QString &python, const QProcessEnvironment &env)
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(python,
            {QStringLiteral("-c"),
             QStringLiteral("import torch\ntorch.manual_seed(0)\na = torch.rand(64, 784)\nb = torch.rand(784, 512)\n"
                            "c = (a @ b).double()\nd = a.double() @ b.double()\n"
                            "print('RELERR', float((c - d).abs().max() / d.abs().max()))\n")});
    if (!p.waitForFinished(120000))
        return -1;
    const auto m = QRegularExpression(QStringLiteral("RELERR ([0-9.eE+-]+)"))
                       .match(QString::fromUtf8(p.readAllStandardOutput()));
    return m.hasMatch() ? m.captured(1).toDouble() : -1;
}

// Runs the PyTorch reference; returns samples/s, or a negative value with `why` set.
double runPytorch(const QString &python, const QString &script, const QString &dataDir, const BenchCase &c, int epochs,
                  int limit, int threads, QString *why, const QProcessEnvironment &env)
{
    QProcess p;
    p.setProcessEnvironment(env);
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
    p.addOption({QStringLiteral("profile"),
                 QStringLiteral("Also measure, inside our training step, the share of thread time in GEMMs and "
                                "waiting at barriers.")});
    parseArguments(p, args);

    const bool quick = p.isSet(QStringLiteral("quick"));
    const bool profiling = p.isSet(QStringLiteral("profile"));
    step::setProfiling(profiling);
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
    // The peak is measured before the cases and again after each one, and the highest reading counts: on a shared
    // machine one short reading can land in a slow moment, and a low peak would flatter every "% peak" below.
    const SystemInfo::SgemmPeak sgemm = SystemInfo::measureSgemmGflops(threads);
    double peak = sgemm.best();
    QList<double> peakReadings{peak};
    std::printf("SGEMM peak (1024^3, %d threads) before the cases: %.1f GFLOP/s (libtorch BLAS %.1f, %s %.1f)\n",
                threads, peak, sgemm.torchBlas, gemm::backendName(), sgemm.stepGemm);

    const QString python = p.value(QStringLiteral("python"));
    // OpenBLAS's own kernel choice for the peer, where the environment forces another and the choice checks out.
    bool autoPeerOk = false;
    QStringList peerLines, peers;
    if (pytorchProblem.isEmpty() && openblasForced()) {
        const double err = checkPeerKernels(python, openblasAuto());
        autoPeerOk = err >= 0 && err < 1e-5;
        peerLines << (autoPeerOk ? QStringLiteral("OpenBLAS's own kernels (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE "
                                                  "unset) agree with float64 to %1: the peer runs both ways")
                                       .arg(err, 0, 'g', 2)
                                 : QStringLiteral("OpenBLAS's own kernels failed the float64 check (%1): the peer runs "
                                                  "as the environment is")
                                       .arg(err, 0, 'g', 2));
    }
    const BenchCase cases[]
        = {{"3-layer, batch 64", 3, 64}, {"3-layer, batch 256", 3, 256}, {"5-layer, batch 64", 5, 64}};
    double ratios[3] = {0, 0, 0}, pct[3] = {0, 0, 0}, gflops[3] = {0, 0, 0}, samples[3] = {0, 0, 0},
           peer[3] = {-1, -1, -1};
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
        step::resetProfile();
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
        const QString batchPhases = ph.batchInStep ? QStringLiteral("data and noise inside the step")
                                                   : QStringLiteral("data %1 s, noise %2 s")
                                                         .arg(ph.data * perEpoch, 0, 'f', 2)
                                                         .arg(ph.noise * perEpoch, 0, 'f', 2);
        profiles << QStringLiteral("%1: %2, %3, other %4 s")
                        .arg(QString::fromLatin1(c.name), batchPhases, step)
                        .arg(ph.other * perEpoch, 0, 'f', 2);
        if (profiling) {
            const step::Profile sp = step::profile();
            const double all = std::max(1e-9, sp.threadSeconds);
            profiles.last()
                += QStringLiteral("; inside the step (thread time): GEMMs %1%, barrier waits %2%, "
                                  "Adam %3%, making the batch %4%, other element-wise passes %5%")
                       .arg(100.0 * sp.gemmSeconds / all, 0, 'f', 1)
                       .arg(100.0 * sp.barrierSeconds / all, 0, 'f', 1)
                       .arg(100.0 * sp.adamSeconds / all, 0, 'f', 1)
                       .arg(100.0 * sp.prepareSeconds / all, 0, 'f', 1)
                       .arg(100.0 * (all - sp.gemmSeconds - sp.barrierSeconds - sp.adamSeconds - sp.prepareSeconds)
                                / all,
                            0, 'f', 1);
        }
        gflops[i] = ours * cfg.model.trainingFlopsPerSample() / 1e9;
        samples[i] = ours;
        // The peer at its best: as the environment is, and with OpenBLAS's own kernels when they check out.
        double theirs = -1;
        const char *peerName = "env";
        if (pytorchProblem.isEmpty()) {
            theirs = runPytorch(python, script, loc.directory, c, epochs, limit, threads, &pytorchProblem,
                                QProcessEnvironment::systemEnvironment());
            if (autoPeerOk) {
                QString ignored;
                const double automatic
                    = runPytorch(python, script, loc.directory, c, epochs, limit, threads, &ignored, openblasAuto());
                peerLines << QStringLiteral("%1: PyTorch %2 smp/s as the environment is, %3 smp/s with OpenBLAS's "
                                            "own kernels")
                                 .arg(QString::fromLatin1(c.name))
                                 .arg(theirs, 0, 'f', 0)
                                 .arg(automatic, 0, 'f', 0);
                if (automatic > theirs) {
                    theirs = automatic;
                    peerName = "openblas-auto";
                }
            }
        }
        peers << QString::fromLatin1(peerName);
        ratios[i] = theirs > 0 ? ours / theirs : 0.0;
        peer[i] = theirs;
        peakReadings << SystemInfo::measureSgemmGflops(threads).best();
        peak = std::max(peak, peakReadings.last());
        std::printf("  %s: ours %.0f samples/s; SGEMM peak after it %.1f GFLOP/s\n", c.name, ours, peakReadings.last());
        std::fflush(stdout);
    }
    QStringList readings;
    for (const double r : std::as_const(peakReadings))
        readings << QString::number(r, 'f', 1);
    std::printf("\nSGEMM peak: %.1f GFLOP/s, the highest of %lld readings (%s)\n\n", peak,
                qlonglong(peakReadings.size()), qPrintable(readings.join(QStringLiteral(", "))));
    std::printf("%-22s %12s %12s %8s %10s %8s\n", "case", "ours smp/s", "torch smp/s", "ratio", "GFLOP/s", "% peak");
    for (int i = 0; i < 3; ++i) {
        pct[i] = 100.0 * gflops[i] / peak;
        std::printf("%-22s %12.0f %12s %8s %10.1f %7.1f%%\n", cases[i].name, samples[i],
                    peer[i] > 0 ? qPrintable(QString::number(peer[i], 'f', 0)) : "-",
                    peer[i] > 0 ? qPrintable(QStringLiteral("%1x").arg(ratios[i], 0, 'f', 2)) : "-", gflops[i], pct[i]);
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
    if (!peerLines.isEmpty()) {
        std::printf("\nthe peer at its best (the faster of the two counts):\n");
        for (const QString &line : std::as_const(peerLines))
            std::printf("  %s\n", qPrintable(line));
    }
    peers.removeDuplicates();
    std::printf("RESULT ratio_bs64=%.2f ratio_bs256=%.2f ratio_5layer=%.2f sgemm_pct_bs256=%.1f sgemm_pct_bs64=%.1f "
                "sgemm_pct_5layer=%.1f rss_mb=%.0f peer=%s\n",
                ratios[0], ratios[1], ratios[2], pct[1], pct[0], pct[2], rssMb,
                pytorchProblem.isEmpty() ? qPrintable(peers.join(QLatin1Char('+'))) : "none");
    return 0;
}

} // namespace aestudio::cli
