#include "CliOptions.h"
#include "Commands.h"

#include "Recipe.h"

#include "DatasetCatalog.h"
#include "SystemInfo.h"

#include <QCommandLineParser>

#include <cstdio>

namespace aestudio::cli {

int infoCommand(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Show versions, BLAS, threads, devices and datasets."));
    p.addHelpOption();
    parseArguments(p, args);

    const SystemInfo s = SystemInfo::collect();
    std::printf("aestudio %s\nlibtorch %s\nQt %s\n", qPrintable(s.studioVersion), qPrintable(s.torchVersion),
                qPrintable(s.qtVersion));
    std::printf("BLAS: %s\ntraining-step GEMM: %s\nthreads: %d for training (one per hardware thread; --threads "
                "overrides), libtorch "
                "default %d\ndevices: %s\n",
                qPrintable(s.blasLibrary), qPrintable(s.stepGemm), s.threads, s.torchDefaultThreads,
                qPrintable(s.devices.join(QStringLiteral(", "))));
    std::printf(
        "parallel: %s\n",
        qPrintable(s.parallelInfo.section(QLatin1Char('\n'), 0, 3).replace(QLatin1Char('\n'), QStringLiteral("; "))));
    std::printf("datasets:\n");
    for (const QString &name : DatasetCatalog::availableNames()) {
        const DatasetLocation loc = DatasetCatalog::locate(name);
        if (loc.found())
            std::printf("  %-14s found in %s\n", qPrintable(name), qPrintable(loc.directory));
        else
            std::printf("  %-14s not found (searched %s); get it with: aestudio-cli download %s\n", qPrintable(name),
                        qPrintable(loc.searched.join(QStringLiteral(", "))), qPrintable(name));
    }
    const QVector<Recipe::Info> recipes = Recipe::installed();
    std::printf("recipes (aestudio-cli train --recipe FILE):%s\n", recipes.isEmpty() ? " none found" : "");
    for (const Recipe::Info &r : recipes)
        std::printf("  %s\n    %s\n", qPrintable(r.name), qPrintable(r.path));
    const QString warning = s.blasWarning();
    if (!warning.isEmpty())
        std::fprintf(stderr, "%s\n", qPrintable(warning));
    return 0;
}

} // namespace aestudio::cli
