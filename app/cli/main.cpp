// aestudio-cli: the headless front end. Parses the subcommand, runs it, and turns any error into one line on stderr
// and a non-zero exit code.
#include "Commands.h"

#include "Errors.h"
#include "StopSignals.h"

#include <QGuiApplication>

#include <clocale>
#include <sys/stat.h>
#include <unistd.h>
#include <cstdio>
#include <memory>
#include <exception>

namespace {

const char kUsage[]
    = "usage: aestudio-cli <command> [options]\n"
      "commands:\n"
      "  train   train an autoencoder and write a run folder\n"
      "  eval    evaluate a checkpoint on the test set\n"
      "  info    versions, BLAS, threads, devices and datasets\n"
      "  sweep   train a grid of depths x latents x dropouts (resumable, or --slurm); results.csv, table.md\n"
      "  sweep-cell     run one cell of a planned sweep (what each Slurm task runs)\n"
      "  sweep-collect  results.csv and table.md from a sweep folder's finished cells\n"
      "  sweep-status   each cell of a sweep: queued, running, done or failed\n"
      "  seed-study  the seed report's study (Table 1.1 and denoising) beside its numbers\n"
      "  robustness  PSNR against evaluation noise for checkpoints (CSV + PNG)\n"
      "  bench   training throughput against the PyTorch reference [--quick]\n"
      "  download  fetch mnist, fashion-mnist or kmnist (checksums verified)\n"
      "  import  turn a folder of your own images into a dataset\n"
      "  embed   2-D PCA of a checkpoint's latent codes of the validation images (CSV)\n"
      "  report  one PDF or HTML document of a run or sweep folder\n"
      "Run 'aestudio-cli <command> --help' for the options of a command, "
      "'aestudio-cli --version' for the version.\n";

} // namespace

int main(int argc, char *argv[])
{
    // Before any thread exists: Ctrl+C/SIGTERM/SIGHUP are received by one thread that only sets a stop flag.
    aestudio::StopSignals::install();
    // Only `robustness` and `report` draw text (plot labels, PDFs), which needs fonts and so a QGuiApplication; they
    // get the offscreen platform so they never need a display. Everything else stays a plain QCoreApplication.
    const bool needsFonts = argc > 1 && (qstrcmp(argv[1], "robustness") == 0 || qstrcmp(argv[1], "report") == 0);
    if (needsFonts && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    if (needsFonts && qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR")) {
        // Qt's own fallback, without the warning line it prints on stderr (errors stay one line).
        const QByteArray dir = QByteArray("/tmp/runtime-") + QByteArray::number(::getuid());
        ::mkdir(dir.constData(), 0700);
        qputenv("XDG_RUNTIME_DIR", dir);
    }
    std::unique_ptr<QCoreApplication> app
        = needsFonts ? std::make_unique<QGuiApplication>(argc, argv) : std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("aestudio-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(AESTUDIO_VERSION));
    // QCoreApplication adopts the user's locale for the C library too; numbers on stdout use '.' everywhere, as the
    // files already do, so scripts can read them under any locale.
    std::setlocale(LC_NUMERIC, "C");
    const QStringList args = QCoreApplication::arguments();
    if (args.size() < 2 || args[1] == QLatin1String("--help") || args[1] == QLatin1String("-h")) {
        std::fputs(kUsage, args.size() < 2 ? stderr : stdout);
        return args.size() < 2 ? 2 : 0;
    }
    if (args[1] == QLatin1String("--version") || args[1] == QLatin1String("-v")) {
        std::printf("aestudio-cli %s\n", AESTUDIO_VERSION);
        return 0;
    }
    const QString command = args[1];
    QStringList rest = args.mid(2);
    rest.prepend(args[0] + QLatin1Char(' ') + command); // QCommandLineParser wants a program name first
    try {
        if (command == QLatin1String("train"))
            return aestudio::cli::trainCommand(rest);
        if (command == QLatin1String("eval"))
            return aestudio::cli::evalCommand(rest);
        if (command == QLatin1String("info"))
            return aestudio::cli::infoCommand(rest);
        if (command == QLatin1String("bench"))
            return aestudio::cli::benchCommand(rest);
        if (command == QLatin1String("sweep"))
            return aestudio::cli::sweepCommand(rest);
        if (command == QLatin1String("seed-study"))
            return aestudio::cli::seedStudyCommand(rest);
        if (command == QLatin1String("download"))
            return aestudio::cli::downloadCommand(rest);
        if (command == QLatin1String("import"))
            return aestudio::cli::importCommand(rest);
        if (command == QLatin1String("sweep-cell"))
            return aestudio::cli::sweepCellCommand(rest);
        if (command == QLatin1String("sweep-collect"))
            return aestudio::cli::sweepCollectCommand(rest);
        if (command == QLatin1String("sweep-status"))
            return aestudio::cli::sweepStatusCommand(rest);
        if (command == QLatin1String("embed"))
            return aestudio::cli::embedCommand(rest);
        if (command == QLatin1String("robustness"))
            return aestudio::cli::robustnessCommand(rest);
        if (command == QLatin1String("report"))
            return aestudio::cli::reportCommand(rest);
        std::fprintf(stderr, "aestudio-cli: unknown command '%s'\n%s", qPrintable(command), kUsage);
        return 2;
    } catch (const aestudio::ConfigError &e) {
        std::fprintf(stderr, "aestudio-cli %s: %s\n", qPrintable(command), qPrintable(aestudio::describeError(e)));
        return 2;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "aestudio-cli %s: %s\n", qPrintable(command), qPrintable(aestudio::describeError(e)));
        return 1;
    }
}
