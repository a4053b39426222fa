#include "RunRecord.h"

#include "Errors.h"
#include "RunFiles.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSysInfo>

#include <cerrno>
#include <cmath>
#include <csignal>

namespace aestudio {
namespace {

// Run files are small; anything larger than this is not ours and is not read.
constexpr qint64 kMaxFileBytes = 64 << 20;

QByteArray readSmallFile(const QString &path, QString *problem)
{
    QFile file(path);
    if (!QFileInfo(path).isFile() || file.size() > kMaxFileBytes || !file.open(QIODevice::ReadOnly)) {
        if (problem)
            *problem = QStringLiteral("%1: cannot read").arg(QFileInfo(path).fileName());
        return {};
    }
    return file.readAll();
}

QJsonObject readJsonObject(const QString &path, QString *problem)
{
    const QByteArray bytes = readSmallFile(path, problem);
    if (bytes.isNull())
        return {};
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    if (!doc.isObject() && problem)
        *problem = QStringLiteral("%1: not a JSON object").arg(QFileInfo(path).fileName());
    return doc.object();
}

bool processAlive(qint64 pid)
{
    if (pid <= 0)
        return false;
    return ::kill(pid_t(pid), 0) == 0 || errno == EPERM;
}

} // namespace

bool RunRecord::hasCheckpoint() const
{
    return QFileInfo(checkpointPath()).isFile();
}

QString RunRecord::checkpointPath() const
{
    return QDir(path).filePath(QStringLiteral("checkpoint.aes"));
}

const EpochMetrics *RunRecord::bestEpoch() const
{
    const EpochMetrics *best = nullptr;
    for (const EpochMetrics &m : history)
        if (std::isfinite(m.valLoss) && (!best || m.valLoss < best->valLoss)) // a diverged (NaN) epoch is never best
            best = &m;
    return best;
}

QString RunRecord::architecture() const
{
    return config.model.describe();
}

QString RunRecord::statusName(Status s)
{
    switch (s) {
    case Status::Running:
        return QStringLiteral("running");
    case Status::Finished:
        return QStringLiteral("finished");
    case Status::Stopped:
        return QStringLiteral("stopped");
    case Status::Failed:
        return QStringLiteral("failed");
    case Status::Crashed:
        return QStringLiteral("crashed");
    case Status::Unknown:
        return QStringLiteral("unknown");
    }
    return {};
}

bool RunRecord::looksLikeRun(const QString &folder)
{
    return QFileInfo(QDir(folder).filePath(QStringLiteral("config.json"))).isFile();
}

RunRecord RunRecord::read(const QString &folder)
{
    RunRecord r;
    const QDir dir(folder);
    r.path = dir.absolutePath();
    r.folderName = dir.dirName();
    r.name = r.folderName;
    QString problem;
    const QJsonObject recipe = readJsonObject(dir.filePath(QStringLiteral("config.json")), &problem);
    try {
        r.config = TrainingConfig::fromJson(recipe.value(QStringLiteral("config")).toObject());
    } catch (const StudioError &e) {
        if (problem.isEmpty())
            problem = QStringLiteral("config.json: %1").arg(e.message());
    }
    r.recipe = recipe;
    r.datasetName = recipe.value(QStringLiteral("dataset")).toObject().value(QStringLiteral("name")).toString();
    if (r.datasetName.isEmpty())
        r.datasetName = QFileInfo(r.config.dataset).fileName();
    const QByteArray csv = readSmallFile(dir.filePath(QStringLiteral("metrics.csv")), nullptr);
    try {
        r.history = RunFiles::parseMetricsCsv(csv);
    } catch (const StudioError &e) {
        if (problem.isEmpty())
            problem = e.message();
    }
    const QJsonObject label = readJsonObject(dir.filePath(QStringLiteral("label.json")), nullptr);
    if (!label.value(QStringLiteral("name")).toString().trimmed().isEmpty())
        r.name = label.value(QStringLiteral("name")).toString().trimmed();
    r.note = label.value(QStringLiteral("note")).toString();

    const QJsonObject status = readJsonObject(dir.filePath(QStringLiteral("run.json")), nullptr);
    r.started = QDateTime::fromString(status.value(QStringLiteral("started")).toString(), Qt::ISODateWithMs);
    if (!r.started.isValid())
        r.started = QFileInfo(dir.filePath(QStringLiteral("config.json"))).birthTime();
    if (!r.started.isValid())
        r.started = QFileInfo(dir.filePath(QStringLiteral("config.json"))).lastModified();
    r.host = status.value(QStringLiteral("host")).toString();
    r.error = status.value(QStringLiteral("error")).toString();
    const QString state = status.value(QStringLiteral("state")).toString();
    if (state == QLatin1String("running")) {
        const bool here = r.host.isEmpty() || r.host == QSysInfo::machineHostName();
        r.status = !here || processAlive(status.value(QStringLiteral("pid")).toInteger()) ? Status::Running
                                                                                          : Status::Crashed;
    } else if (state == QLatin1String("finished")) {
        r.status = Status::Finished;
    } else if (state == QLatin1String("stopped")) {
        r.status = Status::Stopped;
    } else if (state == QLatin1String("failed")) {
        r.status = Status::Failed;
    } else if (!r.history.isEmpty()) {
        // Folders written before run.json existed: judge by the epochs done.
        r.status = r.epochsDone() >= r.config.epochs ? Status::Finished : Status::Stopped;
    }
    r.problem = problem;
    return r;
}

QStringList RunRecord::findRuns(const QString &root)
{
    QStringList runs;
    const QDir top(root);
    for (const QFileInfo &entry : top.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        if (looksLikeRun(entry.filePath())) {
            runs << entry.filePath();
            continue;
        }
        const QDir inner(entry.filePath());
        for (const QFileInfo &cell : inner.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot))
            if (looksLikeRun(cell.filePath()))
                runs << cell.filePath();
    }
    std::sort(runs.begin(), runs.end(), [](const QString &a, const QString &b) {
        return QFileInfo(a).lastModified() > QFileInfo(b).lastModified();
    });
    return runs;
}

} // namespace aestudio
