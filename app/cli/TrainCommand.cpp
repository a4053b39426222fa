#include "CliOptions.h"
#include "Commands.h"
#include "ConsoleProgress.h"
#include "StopSignals.h"

#include "Checkpoint.h"
#include "Recipe.h"
#include "DatasetCatalog.h"
#include "Errors.h"
#include "RunDirectory.h"
#include "RunRecord.h"
#include "SystemInfo.h"
#include "TrainingRun.h"
#include "Trainer.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>

#include <cstdio>

namespace aestudio::cli {

int trainCommand(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Train an autoencoder and write config.json, metrics.csv, "
                                               "checkpoint.aes, best.aes and grid.png into its run folder."));
    p.addHelpOption();
    p.addOptions(trainingOptions());
    p.addOption({QStringLiteral("out"),
                 QStringLiteral("Run folder (default: a new folder under %1, or the folder of "
                                "the --resume checkpoint).")
                     .arg(RunDirectory::defaultRoot()),
                 QStringLiteral("dir")});
    p.addOption({QStringLiteral("name"), QStringLiteral("A short name for the run, added to its folder name."),
                 QStringLiteral("text")});
    p.addOption({QStringLiteral("recipe"),
                 QStringLiteral("Start from a recipe's settings (a JSON file; 'aestudio-cli info' lists the "
                                "installed ones); options given here override it."),
                 QStringLiteral("file")});
    p.addOption({QStringLiteral("resume"),
                 QStringLiteral("Continue from a checkpoint.aes; its settings are the "
                                "defaults, --epochs sets the new total."),
                 QStringLiteral("ckpt")});
    parseArguments(p, args);
    if (!p.positionalArguments().isEmpty())
        throw ConfigError(QStringLiteral("unexpected argument '%1'").arg(p.positionalArguments().first()));

    TrainingConfig base;
    const QString resume = p.value(QStringLiteral("resume"));
    QString out = p.value(QStringLiteral("out"));
    // A checkpoint inside a run folder continues in that folder unless told otherwise.
    if (out.isEmpty() && !resume.isEmpty() && RunRecord::looksLikeRun(QFileInfo(resume).absolutePath())
        && QFileInfo(resume).fileName() == QLatin1String("checkpoint.aes"))
        out = QFileInfo(resume).absolutePath();
    // Never write over another run: an existing run folder is only continued through --resume of its checkpoint.
    if (!out.isEmpty()) {
        const QDir outDir(out);
        if (outDir.exists(QStringLiteral("config.json")) || outDir.exists(QStringLiteral("checkpoint.aes"))) {
            const QString own = outDir.absoluteFilePath(QStringLiteral("checkpoint.aes"));
            if (resume.isEmpty() || QFileInfo(resume).canonicalFilePath() != QFileInfo(own).canonicalFilePath())
                throw ConfigError(QStringLiteral("%1 already holds a run; choose a new --out folder, or continue it "
                                                 "with --resume %2")
                                      .arg(outDir.path(), own));
        }
    }
    if (!resume.isEmpty() && p.isSet(QStringLiteral("recipe")))
        throw ConfigError(QStringLiteral("--recipe and --resume cannot be combined: a resumed run keeps its "
                                         "checkpoint's settings"));
    if (!resume.isEmpty()) {
        const CheckpointInfo info = Checkpoint::readInfo(resume);
        Checkpoint::requireResumable(info, resume); // before the run folder is made
        base = info.config;
    } else if (p.isSet(QStringLiteral("recipe")))
        base = Recipe::load(p.value(QStringLiteral("recipe")));
    const TrainingConfig config = applyTrainingOptions(p, base);
    if (!resume.isEmpty() && (config.noise.type != base.noise.type || config.noise.level != base.noise.level))
        std::printf("note: the checkpoint trained at %s and continues at %s; validation losses before and after "
                    "the change are measured on different inputs, so the best epoch is picked across both\n",
                    qPrintable(base.noise.label()), qPrintable(config.noise.label()));

    std::printf("loading %s...\n", qPrintable(config.dataset));
    std::fflush(stdout);
    auto data = std::make_shared<const DatasetSplit>(DatasetCatalog::load(config));
    SystemInfo::resolveDevice(config.device); // a GPU that is not there fails here, before the run folder is made
    const RunDirectory folder
        = out.isEmpty() ? RunDirectory::createNew(config, p.value(QStringLiteral("name"))) : RunDirectory(out);
    if (p.isSet(QStringLiteral("name"))) // shown as given on the Runs page; the folder's slug is ASCII
        folder.writeLabel(p.value(QStringLiteral("name")), {});
    TrainingRun run(config, folder, TrainingRun::Options{resume, data});
    const Trainer &trainer = run.trainer();
    std::printf("%s: %d train / %d validation / %d test images; model %s (%lld parameters) on %s; writing to %s\n",
                qPrintable(data->name), data->train.count(), data->validation.count(), data->test.count(),
                qPrintable(config.model.describe()), static_cast<long long>(trainer.parameterCount()),
                qPrintable(trainer.deviceName()), qPrintable(folder.path()));
    if (trainer.completedEpochs() >= config.epochs)
        std::printf("the checkpoint already has %d epoch(s); raise --epochs to train further\n",
                    trainer.completedEpochs());
    std::fflush(stdout);

    ConsoleProgress progress;
    RunControl control;
    Trainer::Outcome outcome;
    {
        const StopSignals::Scope interrupts([&](int) { control.requestStop(); }); // stop after this batch
        outcome = run.run(progress, control);
    }
    if (outcome.failed)
        throw TrainingError(outcome.error);
    return outcome.summary.stopped ? 130 : 0;
}

} // namespace aestudio::cli
