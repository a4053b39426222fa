#include "RunDirectory.h"
#include "AtomicFile.h"

#include "Errors.h"
#include "ImageGrid.h"
#include "RunFiles.h"
#include "SystemInfo.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QSysInfo>
#include <QRegularExpression>

#include <algorithm>

#include <unistd.h>

namespace aestudio {

RunDirectory::RunDirectory(const QString &path) : m_path(QDir(path).absolutePath())
{
    if (!QDir().mkpath(m_path))
        throw StudioError(QStringLiteral("%1: cannot create the output folder").arg(m_path));
}

QString RunDirectory::file(const QString &name) const
{
    return QDir(m_path).filePath(name);
}

QString RunDirectory::defaultRoot()
{
    const QString env = qEnvironmentVariable("AESTUDIO_RUNS_DIR");
    if (!env.isEmpty())
        return QDir(env).absolutePath();
    QString xdg = qEnvironmentVariable("XDG_DATA_HOME");
    if (xdg.isEmpty())
        xdg = QDir::home().filePath(QStringLiteral(".local/share"));
    return QDir(xdg).filePath(QStringLiteral("aestudio/runs"));
}

namespace {

// Folder-name safe: letters, digits, '.', '_' and '-'; anything else becomes '-'.
QString slug(const QString &text)
{
    // Accents come off rather than taking the letter with them: "über" -> "uber".
    QString s = text.normalized(QString::NormalizationForm_KD);
    s.remove(QRegularExpression(QStringLiteral("\\p{Mn}+")));
    s.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]+")), QStringLiteral("-"));
    s.replace(QRegularExpression(QStringLiteral("^[-.]+|-+$")), QString());
    return s.left(48);
}

} // namespace

RunDirectory RunDirectory::createNew(const TrainingConfig &config, const QString &name, const QString &root)
{
    const QString base = root.isEmpty() ? defaultRoot() : root;
    if (!QDir().mkpath(base))
        throw WriteError(QStringLiteral("%1: cannot create the runs folder").arg(base));
    QString stem = QDateTime::currentDateTime().toString(QStringLiteral("yyyy-MM-dd-HHmmss")) + QLatin1Char('-')
        + slug(QFileInfo(config.dataset).fileName())
        + QStringLiteral("-d%1-l%2").arg(config.model.depth()).arg(config.model.latent);
    if (!slug(name).isEmpty())
        stem += QLatin1Char('-') + slug(name);
    const QDir dir(base);
    for (int n = 1; n < 1000; ++n) {
        const QString candidate = n == 1 ? stem : QStringLiteral("%1-%2").arg(stem).arg(n);
        if (dir.mkdir(candidate)) // fails when it exists: another run took the name first
            return RunDirectory(dir.filePath(candidate));
    }
    throw WriteError(QStringLiteral("%1: cannot create a new run folder %2").arg(base, stem));
}

void RunDirectory::writeStatus(const QString &state, const QDateTime &started, const QString &error) const
{
    QJsonObject status{{QStringLiteral("state"), state},
                       {QStringLiteral("started"), started.toString(Qt::ISODateWithMs)},
                       {QStringLiteral("updated"), QDateTime::currentDateTime().toString(Qt::ISODateWithMs)},
                       {QStringLiteral("pid"), qint64(::getpid())},
                       {QStringLiteral("host"), QSysInfo::machineHostName()},
                       {QStringLiteral("program"), QCoreApplication::applicationName()}};
    if (!error.isEmpty())
        status.insert(QStringLiteral("error"), error);
    AtomicFile::writeJson(file(QStringLiteral("run.json")), status);
}

void RunDirectory::writeLabel(const QString &name, const QString &note) const
{
    AtomicFile::writeJson(file(QStringLiteral("label.json")),
                          QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("note"), note}});
}

void RunDirectory::writeRecipe(const Trainer &trainer) const
{
    QJsonObject system = SystemInfo::collect().toJson();
    system.insert(QStringLiteral("device"), trainer.deviceName());
    // A resume asked to stop short of the epochs already done trains none: the plan is what the run holds, never
    // less (else the folder read "4 of 2 epochs", and a Resume from it aimed at 2).
    TrainingConfig planned = trainer.config();
    planned.epochs = std::max(planned.epochs, trainer.completedEpochs());
    AtomicFile::writeJson(file(QStringLiteral("config.json")), RunFiles::recipe(planned, trainer.data(), system));
}

void RunDirectory::writeProgress(const Trainer &trainer) const
{
    // The checkpoints first, the metrics last: after a crash or a failed write between them, metrics.csv never
    // claims an epoch the checkpoint does not hold (it may lag one behind; the next save catches up).
    trainer.saveCheckpoint(file(QStringLiteral("checkpoint.aes")));
    trainer.saveBestCheckpoint(file(QStringLiteral("best.aes")));
    AtomicFile::write(file(QStringLiteral("metrics.csv")), RunFiles::metricsCsv(trainer.history()));
}

void RunDirectory::writeGrid(const Trainer &trainer) const
{
    writeProbeGrid(file(QStringLiteral("grid.png")), *trainer.snapshot(), trainer.data().validation,
                   trainer.config().noise);
}

void RunDirectory::writeProbeGrid(const QString &path, const InferenceModel &model, const ImageSet &images,
                                  const NoiseSpec &noise)
{
    const Reconstruction r = model.reconstructProbes(images, kGridColumns, noise);
    AtomicFile::writeImage(path, ImageGrid::ofReconstruction(r, kGridScale));
}

} // namespace aestudio
