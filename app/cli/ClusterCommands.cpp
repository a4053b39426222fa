// sweep-cell, sweep-collect, sweep-status and sweep --slurm: a sweep folder's cells run anywhere that sees the
// folder, one Slurm array task each, and come back as the same results.csv and table.md.
#include "CliOptions.h"
#include "ClusterCommands.h"
#include "Commands.h"
#include "StopSignals.h"

#include "Errors.h"
#include "Slurm.h"
#include "SweepPlan.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

#include <cstdio>

namespace aestudio::cli {
namespace {

class CellPrinter : public SweepObserver {
public:
    void runStarted(int index, const SweepSpec::Run &run) override
    {
        std::printf("cell %d (%s): %d epoch(s)\n", index, qPrintable(run.name), run.config.epochs);
        std::fflush(stdout);
    }
    void runEpoch(int index, const EpochMetrics &m) override
    {
        std::printf("cell %d   epoch %d: val_loss %.5f  val_psnr_global %.2f dB  %.1f s\n", index, m.epoch, m.valLoss,
                    m.valPsnrGlobalDb, m.seconds);
        std::fflush(stdout);
    }
};

QString folderArgument(const QCommandLineParser &p, const QString &what)
{
    const QStringList pos = p.positionalArguments();
    if (pos.size() != 1)
        throw ConfigError(QStringLiteral("give the sweep folder: %1 DIR").arg(what));
    if (!QFileInfo::exists(SweepPlan::fileIn(pos.first())))
        throw ConfigError(QStringLiteral("%1 holds no sweep plan (no plan.json); make one with aestudio-cli sweep ... "
                                         "--out %1")
                              .arg(pos.first()));
    return pos.first();
}

} // namespace

void addSlurmOptions(QCommandLineParser &p)
{
    p.addOption({QStringLiteral("slurm"),
                 QStringLiteral("Run the grid as a Slurm job array (one task per cell) plus a collect job, instead of "
                                "here; writes OUT/plan.json and OUT/slurm/*.sbatch and submits them.")});
    p.addOption({QStringLiteral("partition"), QStringLiteral("Slurm partition (default: the cluster's)."),
                 QStringLiteral("P")});
    p.addOption({QStringLiteral("time"), QStringLiteral("Time limit per cell task (default 01:00:00)."),
                 QStringLiteral("HH:MM:SS"), QStringLiteral("01:00:00")});
    p.addOption({QStringLiteral("cpus-per-task"), QStringLiteral("CPUs, and training threads, per cell (default 2)."),
                 QStringLiteral("N"), QStringLiteral("2")});
    p.addOption({QStringLiteral("max-parallel"), QStringLiteral("Cell tasks running at once (default: no limit)."),
                 QStringLiteral("M"), QStringLiteral("0")});
    p.addOption({QStringLiteral("sbatch-arg"),
                 QStringLiteral("One more #SBATCH line for the cell tasks, e.g. --mem=4G (repeatable)."),
                 QStringLiteral("ARG")});
    p.addOption(
        {QStringLiteral("dry-run"), QStringLiteral("With --slurm: write the plan and scripts, submit nothing.")});
}

int submitToSlurm(const QCommandLineParser &p, Sweep &sweep)
{
    Slurm::Options o;
    o.cli = QCoreApplication::applicationFilePath();
    o.partition = p.value(QStringLiteral("partition"));
    o.time = p.value(QStringLiteral("time"));
    o.cpusPerTask = intOption(p, QStringLiteral("cpus-per-task"));
    o.maxParallel = intOption(p, QStringLiteral("max-parallel"));
    o.extraArgs = p.values(QStringLiteral("sbatch-arg"));
    Slurm::validate(o);
    const bool dryRun = p.isSet(QStringLiteral("dry-run"));
    if (!dryRun && !Slurm::available())
        throw ConfigError(QStringLiteral("--slurm needs sbatch, which is not on PATH here (run this on the cluster's "
                                         "submit host, or add --dry-run to only write the scripts)"));
    const SweepPlan plan = sweep.prepare();
    const Slurm::Scripts scripts = Slurm::writeScripts(sweep.outDir(), plan.cells.size(), o);
    std::printf("wrote %s (%lld cells), %s and %s\n", qPrintable(SweepPlan::fileIn(sweep.outDir())),
                static_cast<long long>(plan.cells.size()), qPrintable(scripts.array), qPrintable(scripts.collect));
    if (dryRun) {
        std::printf("dry run: nothing submitted; submit with: sbatch %s\n", qPrintable(scripts.array));
        return 0;
    }
    const Slurm::Submission s = Slurm::submit(sweep.outDir(), scripts);
    std::printf("submitted job array %s (%lld tasks) and collect job %s (after the array ends)\n"
                "watch: aestudio-cli sweep-status %s   (or squeue -j %s; the studio: Experiments → Open sweep…)\n",
                qPrintable(s.arrayJob), static_cast<long long>(plan.cells.size()), qPrintable(s.collectJob),
                qPrintable(sweep.outDir()), qPrintable(s.arrayJob));
    return 0;
}

int sweepCellCommand(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Run one cell of a planned sweep into its run folder: a finished cell "
                                               "exits at once, a partial one resumes. What each Slurm task runs."));
    p.addHelpOption();
    p.addOption({QStringLiteral("plan"), QStringLiteral("The sweep's plan.json (required)."), QStringLiteral("file")});
    p.addOption({QStringLiteral("index"), QStringLiteral("The cell, from 0 (required)."), QStringLiteral("I")});
    p.addOption({QStringLiteral("threads"), QStringLiteral("Training threads (default: all)."), QStringLiteral("N"),
                 QStringLiteral("0")});
    parseArguments(p, args);
    if (!p.isSet(QStringLiteral("plan")) || !p.isSet(QStringLiteral("index")))
        throw ConfigError(QStringLiteral("--plan FILE and --index I are required"));
    const QString planPath = p.value(QStringLiteral("plan"));
    const SweepPlan plan = SweepPlan::read(planPath);
    const int index = intOption(p, QStringLiteral("index"));
    CellPrinter printer;
    RunControl control;
    const StopSignals::Scope interrupts([&](int) { control.requestStop(); }); // Slurm's SIGTERM: stop after a batch
    const SweepResult r = SweepCells::run(QFileInfo(planPath).absolutePath(), plan, index,
                                          threadsOption(p, QStringLiteral("threads")), printer, control);
    if (r.skipped) {
        std::printf("cell %d (%s) is already done: best val_loss %.5f at epoch %d\n", index, qPrintable(r.name),
                    r.bestValLoss, r.bestEpoch);
        return 0;
    }
    if (r.bestEpoch == 0) {
        std::printf("cell %d (%s) stopped; run it again to resume\n", index, qPrintable(r.name));
        return 130;
    }
    std::printf("cell %d (%s) done: best val_loss %.5f at epoch %d, test PSNR %.2f dB\n", index, qPrintable(r.name),
                r.bestValLoss, r.bestEpoch, r.testPsnrGlobalDb);
    return 0;
}

int sweepCollectCommand(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Build results.csv and table.md from a sweep folder's finished cells; "
                                               "list the others with their reasons. Exits 1 while any cell is missing, "
                                               "unless --partial."));
    p.addHelpOption();
    p.addOption({QStringLiteral("partial"), QStringLiteral("Exit 0 even when some cells are not finished.")});
    p.addPositionalArgument(QStringLiteral("dir"), QStringLiteral("The sweep folder."));
    parseArguments(p, args);
    const QString dir = folderArgument(p, QStringLiteral("sweep-collect"));
    const SweepCells::Collection c = SweepCells::collect(dir);
    std::printf("%s\n", qPrintable(Sweep::tableMarkdown(c.finished)));
    std::printf("%lld of %lld cells finished; wrote %s/results.csv and table.md\n",
                static_cast<long long>(c.finished.size()), static_cast<long long>(c.finished.size() + c.missing.size()),
                qPrintable(dir));
    for (const SweepCellStatus &s : c.missing)
        std::printf("  missing: cell %d %s: %s%s\n", s.index, qPrintable(s.name),
                    qPrintable(SweepCellStatus::stateName(s.state)),
                    s.detail.isEmpty() ? "" : qPrintable(QStringLiteral(" (%1)").arg(s.detail)));
    return c.missing.isEmpty() || p.isSet(QStringLiteral("partial")) ? 0 : 1;
}

int sweepStatusCommand(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Each cell of a sweep folder: queued, running, done or failed, from "
                                               "the run folders and, where present, squeue and sacct."));
    p.addHelpOption();
    p.addPositionalArgument(QStringLiteral("dir"), QStringLiteral("The sweep folder."));
    parseArguments(p, args);
    const QString dir = folderArgument(p, QStringLiteral("sweep-status"));
    const QVector<SweepCellStatus> cells = Slurm::cellStatus(dir);
    QMap<SweepCellStatus::State, int> counts;
    for (const SweepCellStatus &s : cells) {
        ++counts[s.state];
        std::printf("%4d  %-22s %-8s %d/%d epochs%s\n", s.index, qPrintable(s.name),
                    qPrintable(SweepCellStatus::stateName(s.state)), s.epochsDone, s.epochs,
                    s.detail.isEmpty() ? "" : qPrintable(QStringLiteral("  ") + s.detail));
    }
    const Slurm::Submission job = Slurm::lastSubmission(dir);
    std::printf("%d done, %d running, %d queued, %d failed, %d stopped%s\n", counts.value(SweepCellStatus::State::Done),
                counts.value(SweepCellStatus::State::Running), counts.value(SweepCellStatus::State::Queued),
                counts.value(SweepCellStatus::State::Failed), counts.value(SweepCellStatus::State::Stopped),
                job.arrayJob.isEmpty() ? "" : qPrintable(QStringLiteral(" (Slurm job array %1)").arg(job.arrayJob)));
    return 0;
}

} // namespace aestudio::cli
