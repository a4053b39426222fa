#include "CliOptions.h"

#include "SystemInfo.h"

#include "Errors.h"

#include <QDir>
#include <QFileInfo>
#include <QImageWriter>

#include <cstdio>

namespace aestudio::cli {

void parseArguments(QCommandLineParser &p, const QStringList &args)
{
    if (!p.parse(args))
        throw ConfigError(p.errorText());
    if (p.isSet(QStringLiteral("help")))
        p.showHelp(0);
}

int threadsOption(const QCommandLineParser &p, const QString &name)
{
    const int requested = intOption(p, name);
    if (requested < 0)
        throw ConfigError(
            QStringLiteral("--%1 %2 must be 0 (one per hardware thread) or more").arg(name).arg(requested));
    const int hardware = SystemInfo::hardwareThreads();
    if (requested > hardware) {
        std::fprintf(stderr, "--%s %d is more than the %d hardware threads; using %d\n", qPrintable(name), requested,
                     hardware, hardware);
        return hardware;
    }
    return requested;
}

int jobsOption(const QCommandLineParser &p, const QString &name)
{
    if (p.value(name) == QLatin1String("auto"))
        return 0;
    const int jobs = intOption(p, name);
    if (jobs < 1)
        throw ConfigError(QStringLiteral("--%1 %2 must be auto or 1 or more").arg(name).arg(jobs));
    return jobs;
}

int intOption(const QCommandLineParser &p, const QString &name)
{
    bool ok = false;
    const int v = p.value(name).toInt(&ok);
    if (!ok)
        throw ConfigError(QStringLiteral("--%1 '%2' is not an integer").arg(name, p.value(name)));
    return v;
}

double doubleOption(const QCommandLineParser &p, const QString &name)
{
    bool ok = false;
    const double v = p.value(name).toDouble(&ok);
    if (!ok)
        throw ConfigError(QStringLiteral("--%1 '%2' is not a number").arg(name, p.value(name)));
    return v;
}

std::uint64_t seedOption(const QCommandLineParser &p, const QString &name)
{
    bool ok = false;
    const qulonglong v = p.value(name).toULongLong(&ok);
    if (!ok)
        throw ConfigError(QStringLiteral("--%1 '%2' is not a non-negative integer").arg(name, p.value(name)));
    return v;
}

QString outputFileOption(const QCommandLineParser &p, const QString &name)
{
    const QString path = p.value(name);
    const QFileInfo file(path);
    if (file.isDir())
        throw ConfigError(QStringLiteral("--%1 %2 is a folder; name a file in it").arg(name, path));
    if (!file.absoluteDir().exists())
        throw ConfigError(
            QStringLiteral("--%1 %2: folder %3 does not exist").arg(name, path, file.absoluteDir().path()));
    return path;
}

QString imageFileOption(const QCommandLineParser &p, const QString &name)
{
    const QString path = outputFileOption(p, name);
    const QByteArray suffix = QFileInfo(path).suffix().toLower().toLatin1();
    if (!QImageWriter::supportedImageFormats().contains(suffix))
        throw ConfigError(QStringLiteral("--%1 %2: cannot write a .%3 image; name a .png or .jpg file")
                              .arg(name, path, QString::fromLatin1(suffix)));
    return path;
}

QList<QCommandLineOption> trainingOptions()
{
    auto opt = [](const char *name, const char *help, const char *value) {
        return QCommandLineOption(QString::fromLatin1(name), QString::fromLatin1(help), QString::fromLatin1(value));
    };
    return {
        opt("dataset",
            "fashion-mnist, mnist, kmnist, a dataset imported with import --name, or a folder of IDX files "
            "(default fashion-mnist).",
            "name|path"),
        opt("depth", "3 (256,128) or 5 (512,256,128,64) layers (default 3).", "3|5"),
        opt("latent", "Latent dimension (default 15).", "N"),
        opt("dropout", "Dropout probability after each hidden ReLU (default 0).", "P"),
        opt("weight-decay", "Adam L2 weight decay (default 0).", "W"),
        opt("noise", "Training noise level: sigma, or rate for salt-pepper/masking (default 0).", "SIGMA"),
        opt("noise-type", "gaussian, salt-pepper or masking (default gaussian).", "type"),
        opt("epochs", "Epochs (default 10).", "N"),
        opt("batch-size", "Batch size (default 64).", "N"),
        opt("lr", "Adam learning rate (default 1e-3).", "X"),
        opt("lr-schedule", "constant, or cosine decay to 1% over the run (default constant).", "name"),
        opt("seed", "Random seed (default 0).", "N"),
        opt("limit", "Use only the first N official training images (default all).", "N"),
        opt("threads", "Intra-op threads (default: one per hardware thread).", "N"),
        opt("patience", "Early-stopping patience in epochs (default off).", "N"),
        opt("device", "auto, cpu or cuda[:N] (default auto).", "dev"),
    };
}

NoiseSpec noiseOptions(const QCommandLineParser &p, NoiseSpec base)
{
    if (p.isSet(QStringLiteral("noise-type")))
        base.type = noiseTypeFromName(p.value(QStringLiteral("noise-type")));
    if (p.isSet(QStringLiteral("noise")))
        base.level = doubleOption(p, QStringLiteral("noise"));
    base.validate();
    return base;
}

TrainingConfig applyTrainingOptions(const QCommandLineParser &p, TrainingConfig c)
{
    auto set = [&](const char *name) { return p.isSet(QString::fromLatin1(name)); };
    if (set("dataset"))
        c.dataset = p.value(QStringLiteral("dataset"));
    if (set("depth"))
        c.model.hidden = ModelSpec::hiddenForDepth(intOption(p, QStringLiteral("depth")));
    if (set("latent"))
        c.model.latent = intOption(p, QStringLiteral("latent"));
    if (set("dropout"))
        c.model.dropout = doubleOption(p, QStringLiteral("dropout"));
    if (set("weight-decay"))
        c.weightDecay = doubleOption(p, QStringLiteral("weight-decay"));
    c.noise = noiseOptions(p, c.noise);
    if (set("epochs"))
        c.epochs = intOption(p, QStringLiteral("epochs"));
    if (set("batch-size"))
        c.batchSize = intOption(p, QStringLiteral("batch-size"));
    if (set("lr"))
        c.learningRate = doubleOption(p, QStringLiteral("lr"));
    if (set("lr-schedule"))
        c.lrSchedule = p.value(QStringLiteral("lr-schedule"));
    if (set("seed"))
        c.seed = seedOption(p, QStringLiteral("seed"));
    if (set("limit"))
        c.limit = intOption(p, QStringLiteral("limit"));
    if (set("threads"))
        c.threads = threadsOption(p, QStringLiteral("threads"));
    if (set("patience"))
        c.patience = intOption(p, QStringLiteral("patience"));
    if (set("device"))
        c.device = p.value(QStringLiteral("device"));
    c.validate();
    return c;
}

} // namespace aestudio::cli
