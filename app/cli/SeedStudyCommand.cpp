// seed-study: the protocol of ../shared/reference/seed-report.txt in one command, with the report's numbers beside
// ours. Table 1.1: depths {3,5} x latents {15,30,50,100} x {no regularisation (20 epochs), dropout (15 epochs)} on
// clean inputs; then the denoising autoencoder (3 layers, latent 15, sigma 0.5), shown at sigma 0.2 and 0.5.
#include "CliOptions.h"
#include "Commands.h"

#include "AtomicFile.h"

#include "Errors.h"
#include "RunDirectory.h"
#include "JobLayout.h"
#include "SeedReference.h"
#include "StopSignals.h"
#include "Sweep.h"

#include <QCommandLineParser>
#include <QDir>

#include <cstdio>

namespace aestudio::cli {
namespace {

// Ctrl+C stops the study after the current batch; the run folders are consistent, and the same command continues.
void stopIfInterrupted(const RunControl &control)
{
    if (control.stopRequested())
        throw TrainingError(QStringLiteral("interrupted; run the same command again to continue where it stopped"));
}

// Prints every epoch of the denoising run (the table's sweep prints one line per finished run).
class DenoisePrinter : public SweepObserver {
public:
    void runEpoch(int, const EpochMetrics &m) override
    {
        std::printf("  denoising epoch %d: val_loss %.5f  val_psnr_global %.2f dB\n", m.epoch, m.valLoss,
                    m.valPsnrGlobalDb);
        std::fflush(stdout);
    }
};

// One line per finished table run; the table's layout once, before the first.
class TablePrinter : public SweepObserver {
public:
    void layoutChosen(const JobLayout &layout) override
    {
        std::printf("runs: %s\n", qPrintable(layout.describe()));
        std::fflush(stdout);
    }
    void runFinished(int i, const SweepResult &r) override
    {
        std::printf("[%d/16] %s: best val_loss %.5f at epoch %d\n", i + 1, qPrintable(r.name), r.bestValLoss,
                    r.bestEpoch);
        std::fflush(stdout);
    }
};

} // namespace

int seedStudyCommand(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Run the seed report's study and write table.md beside its numbers."));
    p.addHelpOption();
    p.addOption({QStringLiteral("dataset"), QStringLiteral("Dataset (default fashion-mnist)."),
                 QStringLiteral("name|path"), QStringLiteral("fashion-mnist")});
    p.addOption({QStringLiteral("reference"),
                 QStringLiteral("Which of the report's tables to compare with: mnist or "
                                "fashion-mnist (default: from the dataset name)."),
                 QStringLiteral("name")});
    p.addOption({QStringLiteral("dropout"), QStringLiteral("Dropout of the regularised rows (default 0.2)."),
                 QStringLiteral("P"), QStringLiteral("0.2")});
    p.addOption({QStringLiteral("denoise-dropout"), QStringLiteral("Dropout of the denoising model (default 0)."),
                 QStringLiteral("P"), QStringLiteral("0")});
    p.addOption({QStringLiteral("denoise-epochs"),
                 QStringLiteral("Epochs of the denoising model (default 40; the "
                                "report used 20)."),
                 QStringLiteral("N"), QStringLiteral("40")});
    p.addOption({QStringLiteral("denoise-lr"), QStringLiteral("Learning rate of the denoising model (default 1e-3)."),
                 QStringLiteral("X"), QStringLiteral("0.001")});
    p.addOption({QStringLiteral("denoise-schedule"),
                 QStringLiteral("Learning-rate schedule of the denoising model "
                                "(default cosine)."),
                 QStringLiteral("name"), QStringLiteral("cosine")});
    p.addOption({QStringLiteral("skip-table"), QStringLiteral("Only the denoising part.")});
    p.addOption({QStringLiteral("limit"), QStringLiteral("Use the first N training images (for quick checks)."),
                 QStringLiteral("N"), QStringLiteral("0")});
    p.addOption({QStringLiteral("jobs"),
                 QStringLiteral("Runs at once; the table's 16 runs and the denoising model share one pool (default "
                                "auto: one run with all threads or one run per thread, whichever measures faster "
                                "on the longest run)."),
                 QStringLiteral("N|auto"), QStringLiteral("auto")});
    p.addOption({QStringLiteral("out"), QStringLiteral("Output folder (required)."), QStringLiteral("dir")});
    parseArguments(p, args);
    RunControl control;
    const StopSignals::Scope interrupts([&](int) { control.requestStop(); }); // stop after this batch
    if (!p.isSet(QStringLiteral("out")))
        throw ConfigError(QStringLiteral("--out DIR is required"));
    const QString out = p.value(QStringLiteral("out"));
    const QString dataset = p.value(QStringLiteral("dataset"));
    QString reference = p.value(QStringLiteral("reference"));
    if (reference.isEmpty())
        reference = SeedReference::referenceFor(dataset);
    if (reference != QLatin1String("mnist") && reference != QLatin1String("fashion-mnist"))
        throw ConfigError(QStringLiteral("--reference must be mnist or fashion-mnist, not '%1'").arg(reference));

    QString md
        = QStringLiteral("# Seed study on %1 (compared with the report's %2 numbers)\n\n").arg(dataset, reference);
    // The table's 16 runs (unless --skip-table) and the denoising model share one pool of workers, longest first:
    // with one run per thread, the denoising model runs beside the table instead of after it.
    const bool withTable = !p.isSet(QStringLiteral("skip-table"));
    TrainingConfig base;
    base.dataset = dataset;
    base.limit = intOption(p, QStringLiteral("limit"));
    SweepSpec spec = SweepSpec::seedStudy(base);
    spec.dropouts = {0.0, doubleOption(p, QStringLiteral("dropout"))};
    spec.jobs = jobsOption(p, QStringLiteral("jobs"));
    Sweep tableSweep(spec, QDir(out).filePath(QStringLiteral("table")));
    TablePrinter tablePrinter;

    // The denoising autoencoder: the report's best model (3 layers, latent 15) trained at sigma 0.5.
    SweepSpec denoise;
    denoise.base.dataset = dataset;
    denoise.base.limit = base.limit;
    denoise.base.noise = {NoiseType::Gaussian, 0.5};
    denoise.base.learningRate = doubleOption(p, QStringLiteral("denoise-lr"));
    denoise.base.lrSchedule = p.value(QStringLiteral("denoise-schedule"));
    denoise.depths = {3};
    denoise.latents = {15};
    denoise.dropouts = {doubleOption(p, QStringLiteral("denoise-dropout"))};
    denoise.epochs = intOption(p, QStringLiteral("denoise-epochs"));
    denoise.epochsRegularised = denoise.epochs;
    std::printf("denoising autoencoder: %s\n", qPrintable(denoise.runs().first().name));
    Sweep denoiseSweep(denoise, QDir(out).filePath(QStringLiteral("denoise")));
    DenoisePrinter denoisePrinter;

    QVector<std::pair<Sweep *, SweepObserver *>> sweeps;
    if (withTable)
        sweeps.append({&tableSweep, &tablePrinter});
    sweeps.append({&denoiseSweep, &denoisePrinter});
    const QVector<QVector<SweepResult>> results = Sweep::runTogether(sweeps, control);
    stopIfInterrupted(control);

    if (withTable) {
        const QVector<SweepResult> &all = results.first();
        const SeedReference::Table seed = SeedReference::table(reference);
        int beaten = 0, cells = 0;
        for (const SweepResult &r : all) {
            const auto row = seed.value(r.rowLabel());
            if (!row.contains(r.config.model.latent))
                continue;
            ++cells;
            beaten += r.bestValLoss < row.value(r.config.model.latent);
        }
        md += QStringLiteral("## Table 1.1: validation loss (MSE), ours (seed in brackets)\n\nNon-regularised runs: 20 "
                             "epochs; regularised (dropout %1): 15 epochs; Adam lr 1e-3, batch 64, clean inputs. "
                             "Ours is the best epoch's validation loss.\n\n")
                  .arg(p.value(QStringLiteral("dropout")));
        md += Sweep::tableMarkdown(all, seed);
        md += QStringLiteral("\nCells lower than the seed's: **%1 of %2**.\n\n").arg(beaten).arg(cells);
        AtomicFile::write(QDir(out).filePath(QStringLiteral("results.csv")), Sweep::resultsCsv(all));
    }
    const SweepResult d = results.last().first();
    const QString runDir = QDir(denoiseSweep.outDir()).filePath(d.name);
    const auto model = InferenceModel::fromCheckpoint(QDir(runDir).filePath(QStringLiteral("best.aes")));
    const DatasetSplit data = DatasetCatalog::load(dataset, SplitOptions::of(d.config));
    md += QStringLiteral(
              "## Denoising autoencoder (3 layers, latent 15, dropout %1, trained at σ=0.5 for %2 epochs, lr %3, "
              "%4 schedule)\n\n")
              .arg(d.config.model.dropout)
              .arg(d.config.epochs)
              .arg(d.config.learningRate)
              .arg(d.config.lrSchedule);
    md += QStringLiteral("| σ | validation PSNR, 10·log10(1/MSE) | test PSNR (global) | test PSNR (per-image mean) | "
                         "noisy input | seed |\n|---|---|---|---|---|---|\n");
    for (double sigma : {0.2, 0.5}) {
        const NoiseSpec noise{NoiseType::Gaussian, sigma};
        const QualityMetrics test = model->evaluate(data.test, noise, 0);
        const QualityMetrics val = model->evaluate(data.validation, noise, 0);
        const QString grid = QStringLiteral("grid-sigma%1.png").arg(sigma);
        RunDirectory::writeProbeGrid(QDir(out).filePath(grid), *model, data.test, noise);
        md += QStringLiteral("| %1 | %2 dB | %3 dB | %4 dB | %5 dB | %6 |\n")
                  .arg(sigma)
                  .arg(val.psnrGlobalDb, 0, 'f', 2)
                  .arg(test.psnrGlobalDb, 0, 'f', 2)
                  .arg(test.psnrMeanDb, 0, 'f', 2)
                  .arg(test.noisyPsnrGlobalDb, 0, 'f', 2)
                  .arg(sigma == 0.5 ? QStringLiteral("about %1 dB").arg(SeedReference::denoisePsnrDb(reference))
                                    : QStringLiteral("–"));
    }
    md += QStringLiteral(
        "\nGrids (original / noisy / reconstructed test images): `grid-sigma0.2.png`, `grid-sigma0.5.png`.\n");
    AtomicFile::write(QDir(out).filePath(QStringLiteral("table.md")), md.toUtf8());
    std::printf("\n%s\nwrote %s/table.md\n", qPrintable(md), qPrintable(out));
    return 0;
}

} // namespace aestudio::cli
