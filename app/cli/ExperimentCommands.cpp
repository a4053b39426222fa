// sweep, seed-study and robustness: the seed report's study as commands.
#include "CliOptions.h"
#include "ClusterCommands.h"
#include "AtomicFile.h"
#include "Commands.h"
#include "StopSignals.h"

#include "Checkpoint.h"
#include "Errors.h"
#include "InferenceModel.h"
#include "JobLayout.h"
#include "RobustnessCurve.h"
#include "RunDirectory.h"
#include "Sweep.h"

#include <QCommandLineParser>
#include <QDir>

#include <cstdio>
#include <mutex>

namespace aestudio::cli {
namespace {

template <typename T> QVector<T> listOption(const QCommandLineParser &p, const QString &name)
{
    QVector<T> out;
    for (double v : SweepSpec::parseList(p.value(name), QStringLiteral("--") + name))
        out << T(v);
    return out;
}

// Prints one line per finished epoch and run; several runs may report at once, so output is serialised.
class SweepPrinter : public SweepObserver {
public:
    explicit SweepPrinter(int total) : m_total(total) { }
    void layoutChosen(const JobLayout &layout) override
    {
        std::printf("runs: %s\n", qPrintable(layout.describe()));
        std::fflush(stdout);
    }
    void runStarted(int index, const SweepSpec::Run &run) override
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        std::printf("[%d/%d] %s: %d epoch(s)\n", index + 1, m_total, qPrintable(run.name), run.config.epochs);
        std::fflush(stdout);
    }
    void runEpoch(int index, const EpochMetrics &m) override
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        std::printf("[%d/%d]   epoch %d: val_loss %.5f  val_psnr_global %.2f dB  %.1f s\n", index + 1, m_total, m.epoch,
                    m.valLoss, m.valPsnrGlobalDb, m.seconds);
        std::fflush(stdout);
    }
    void runFinished(int index, const SweepResult &r) override
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        std::printf("[%d/%d] %s %s: best val_loss %.5f at epoch %d, test PSNR %.2f dB\n", index + 1, m_total,
                    qPrintable(r.name), r.skipped ? "already done" : "done", r.bestValLoss, r.bestEpoch,
                    r.testPsnrGlobalDb);
        std::fflush(stdout);
    }

private:
    std::mutex m_mutex;
    int m_total;
};

QVector<SweepResult> runSweep(const SweepSpec &spec, const QString &out)
{
    Sweep sweep(spec, out);
    SweepPrinter printer(spec.runs().size());
    RunControl control;
    const StopSignals::Scope interrupts([&](int) { control.requestStop(); }); // stop after this batch
    const QVector<SweepResult> results = sweep.run(printer, control);
    if (control.stopRequested())
        throw TrainingError(QStringLiteral("interrupted; run the same command again to continue where it stopped"));
    return results;
}

void addSweepOptions(QCommandLineParser &p)
{
    p.addOption({QStringLiteral("dataset"), QStringLiteral("Dataset (default fashion-mnist)."),
                 QStringLiteral("name|path"), QStringLiteral("fashion-mnist")});
    p.addOption({QStringLiteral("noise"), QStringLiteral("Training noise sigma (default 0)."), QStringLiteral("S"),
                 QStringLiteral("0")});
    p.addOption({QStringLiteral("limit"), QStringLiteral("Use the first N training images."), QStringLiteral("N"),
                 QStringLiteral("0")});
    p.addOption({QStringLiteral("jobs"),
                 QStringLiteral("Runs at once; threads are split between them (default auto: one run with all "
                                "threads or one run per thread, whichever measures faster on the longest run)."),
                 QStringLiteral("N|auto"), QStringLiteral("auto")});
    p.addOption({QStringLiteral("threads"), QStringLiteral("Threads in total (default: all)."), QStringLiteral("N"),
                 QStringLiteral("0")});
    p.addOption(
        {QStringLiteral("seed"), QStringLiteral("Seed (default 0)."), QStringLiteral("N"), QStringLiteral("0")});
    p.addOption({QStringLiteral("out"), QStringLiteral("Output folder (required)."), QStringLiteral("dir")});
}

SweepSpec baseSpec(const QCommandLineParser &p)
{
    if (!p.isSet(QStringLiteral("out")))
        throw ConfigError(QStringLiteral("--out DIR is required"));
    SweepSpec spec;
    spec.base.dataset = p.value(QStringLiteral("dataset"));
    spec.base.noise.level = doubleOption(p, QStringLiteral("noise"));
    spec.base.limit = intOption(p, QStringLiteral("limit"));
    spec.base.seed = seedOption(p, QStringLiteral("seed"));
    spec.jobs = jobsOption(p, QStringLiteral("jobs"));
    spec.threads = threadsOption(p, QStringLiteral("threads"));
    return spec;
}

} // namespace

int sweepCommand(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Train a grid of models; resumable. Writes results.csv and table.md."));
    p.addHelpOption();
    addSweepOptions(p);
    const SweepSpec seed = SweepSpec::seedStudy({});
    auto listDefault
        = [](const auto &values) { return SweepSpec::formatList(QVector<double>(values.begin(), values.end())); };
    p.addOption({QStringLiteral("depths"), QStringLiteral("Depths (default %1).").arg(listDefault(seed.depths)),
                 QStringLiteral("list"), listDefault(seed.depths)});
    p.addOption({QStringLiteral("latents"), QStringLiteral("Latent dims (default %1).").arg(listDefault(seed.latents)),
                 QStringLiteral("list"), listDefault(seed.latents)});
    p.addOption({QStringLiteral("dropouts"),
                 QStringLiteral("Dropout values (default %1).").arg(listDefault(seed.dropouts)), QStringLiteral("list"),
                 listDefault(seed.dropouts)});
    p.addOption({QStringLiteral("weight-decays"), QStringLiteral("L2 values (default 0)."), QStringLiteral("list"),
                 QStringLiteral("0")});
    p.addOption(
        {QStringLiteral("epochs"), QStringLiteral("Epochs (default 20)."), QStringLiteral("N"), QStringLiteral("20")});
    p.addOption({QStringLiteral("epochs-regularised"),
                 QStringLiteral("Epochs for runs with dropout or L2 (default 0: the same as --epochs)."),
                 QStringLiteral("N"), QStringLiteral("0")});
    p.addOption({QStringLiteral("extend"),
                 QStringLiteral("Add this grid's runs to a folder that holds another sweep; "
                                "its finished runs stay in the results.")});
    addSlurmOptions(p);
    parseArguments(p, args);
    SweepSpec spec = baseSpec(p);
    spec.extend = p.isSet(QStringLiteral("extend"));
    spec.depths = listOption<int>(p, QStringLiteral("depths"));
    spec.latents = listOption<int>(p, QStringLiteral("latents"));
    spec.dropouts = listOption<double>(p, QStringLiteral("dropouts"));
    spec.weightDecays = listOption<double>(p, QStringLiteral("weight-decays"));
    spec.epochs = intOption(p, QStringLiteral("epochs"));
    spec.epochsRegularised = intOption(p, QStringLiteral("epochs-regularised"));
    const QString out = p.value(QStringLiteral("out"));
    if (p.isSet(QStringLiteral("slurm"))) {
        Sweep sweep(spec, out);
        return submitToSlurm(p, sweep);
    }
    const QVector<SweepResult> results = runSweep(spec, out);
    Sweep::writeSummary(out, results);
    const QString table = Sweep::tableMarkdown(results);
    std::printf("\n%s\nwrote %s/results.csv and table.md\n", qPrintable(table), qPrintable(out));
    return 0;
}

int robustnessCommand(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(
        QStringLiteral("PSNR (mean of per-image PSNR) against evaluation noise for one or more checkpoints, over the "
                       "dataset's whole test set, as eval measures it. The studio's and the report's curves use 500 "
                       "validation images, so their numbers differ slightly."));
    p.addHelpOption();
    p.addOption({QStringLiteral("checkpoint"), QStringLiteral("Checkpoint; repeat for several curves."),
                 QStringLiteral("file")});
    p.addOption({QStringLiteral("dataset"), QStringLiteral("Dataset (default: the first checkpoint's)."),
                 QStringLiteral("name|path")});
    p.addOption({QStringLiteral("noise-type"), QStringLiteral("gaussian, salt-pepper or masking (default gaussian)."),
                 QStringLiteral("type"), QStringLiteral("gaussian")});
    p.addOption({QStringLiteral("points"), QStringLiteral("Levels from 0 to 1 (default 11)."), QStringLiteral("N"),
                 QStringLiteral("11")});
    p.addOption({QStringLiteral("marker"), QStringLiteral("Draw a marker at this level."), QStringLiteral("S")});
    p.addOption({QStringLiteral("out"), QStringLiteral("Output CSV; a PNG plot is written beside it (required)."),
                 QStringLiteral("file")});
    parseArguments(p, args);
    const QStringList checkpoints = p.values(QStringLiteral("checkpoint"));
    if (checkpoints.isEmpty() || !p.isSet(QStringLiteral("out")))
        throw ConfigError(QStringLiteral("--checkpoint FILE and --out FILE.csv are required"));
    const NoiseType type = noiseTypeFromName(p.value(QStringLiteral("noise-type")));
    const int points = intOption(p, QStringLiteral("points"));
    if (points < 2 || points > 1001)
        throw ConfigError(QStringLiteral("--points %1 must be between 2 and 1001").arg(points));
    const QString out = outputFileOption(p, QStringLiteral("out"));
    const CheckpointInfo first = Checkpoint::readInfo(checkpoints.first());
    const QString dataset
        = p.isSet(QStringLiteral("dataset")) ? p.value(QStringLiteral("dataset")) : first.config.dataset;
    const DatasetSplit data = DatasetCatalog::load(dataset, SplitOptions::of(first.config));
    QVector<RobustnessCurve> curves;
    QByteArray csv;
    for (const QString &path : checkpoints) {
        const CheckpointInfo info = Checkpoint::readInfo(path);
        RobustnessCurve c = RobustnessCurve::measure(*InferenceModel::fromCheckpoint(path), data.test, type, points);
        c.label = QStringLiteral("%1 (trained at %2)").arg(info.architecture).arg(info.config.noise.level);
        std::printf("%s\n", qPrintable(c.label));
        for (const RobustnessPoint &pt : c.points)
            if (pt.level > 0) // at level 0 the input is the clean image: no noisy-input PSNR was measured
                std::printf("  level %.2f: %.2f dB (noisy input %.2f dB)\n", pt.level, pt.psnrDb, pt.noisyPsnrDb);
            else
                std::printf("  level %.2f: %.2f dB (clean input)\n", pt.level, pt.psnrDb);
        if (checkpoints.size() == 1)
            csv = c.toCsv();
        else
            for (const QByteArray &line : c.toCsv().split('\n'))
                if (!line.isEmpty() && !line.startsWith("level"))
                    csv += path.toUtf8() + ',' + line + '\n';
        curves << c;
    }
    if (checkpoints.size() > 1)
        csv.prepend("checkpoint,level,psnr_mean_db,psnr_global_db,noisy_psnr_mean_db\n");
    AtomicFile::write(out, csv);
    const QString png
        = out.endsWith(QLatin1String(".csv")) ? out.chopped(4) + QStringLiteral(".png") : out + QStringLiteral(".png");
    const double marker = p.isSet(QStringLiteral("marker")) ? doubleOption(p, QStringLiteral("marker")) : -1.0;
    AtomicFile::writeImage(png,
                           RobustnessCurve::plot(curves, QStringLiteral("%1 level").arg(noiseTypeName(type)), marker));
    std::printf("wrote %s and %s\n", qPrintable(out), qPrintable(png));
    return 0;
}

} // namespace aestudio::cli
