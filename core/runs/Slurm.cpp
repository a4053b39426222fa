#include "Slurm.h"

#include "SweepPlan.h"

#include "AtomicFile.h"
#include "Errors.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>

namespace aestudio {
namespace {

// A word the shell reads back as exactly `text`.
QString shellQuoted(const QString &text)
{
    QString out = text;
    out.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + out + QLatin1Char('\'');
}

QString slurmDir(const QString &folder)
{
    return QDir(folder).filePath(QStringLiteral("slurm"));
}

QString header(const QString &jobName, const QString &log, const Slurm::Options &o, int cpus)
{
    QString s = QStringLiteral("#!/bin/bash\n");
    s += QStringLiteral("#SBATCH --job-name=%1\n").arg(jobName);
    s += QStringLiteral("#SBATCH --output=%1\n").arg(log);
    s += QStringLiteral("#SBATCH --open-mode=append\n"); // a requeued or resubmitted task adds to its log
    s += QStringLiteral("#SBATCH --cpus-per-task=%1\n").arg(cpus);
    s += QStringLiteral("#SBATCH --time=%1\n").arg(o.time);
    if (!o.partition.isEmpty())
        s += QStringLiteral("#SBATCH --partition=%1\n").arg(o.partition);
    for (const QString &arg : o.extraArgs)
        s += QStringLiteral("#SBATCH %1\n").arg(arg);
    return s;
}

// Runs a scheduler tool; its stdout, or nothing when it is missing, fails or hangs.
QString query(const QString &program, const QStringList &args)
{
    if (QStandardPaths::findExecutable(program).isEmpty())
        return {};
    QProcess p;
    p.start(program, args);
    if (!p.waitForFinished(10000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        p.kill();
        p.waitForFinished(1000);
        return {};
    }
    return QString::fromUtf8(p.readAllStandardOutput());
}

QString submitOne(const QStringList &args)
{
    QProcess p;
    p.start(QStringLiteral("sbatch"), args);
    if (!p.waitForFinished(60000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        const QString why = QString::fromUtf8(p.readAllStandardError()).trimmed().section(QLatin1Char('\n'), 0, 0);
        p.kill();
        throw StudioError(QStringLiteral("sbatch %1 failed: %2")
                              .arg(args.join(QLatin1Char(' ')), why.isEmpty() ? p.errorString() : why));
    }
    // --parsable prints "id" or "id;cluster".
    const QString id = QString::fromUtf8(p.readAllStandardOutput()).trimmed().section(QLatin1Char(';'), 0, 0);
    bool numeric = false;
    id.toLongLong(&numeric);
    if (!numeric)
        throw StudioError(QStringLiteral("sbatch printed no job id (%1)").arg(id.left(80)));
    return id;
}

} // namespace

QString Slurm::arrayScript(const QString &folder, int cells, const Options &o)
{
    const QString dir = QDir(folder).absolutePath();
    QString s
        = header(QStringLiteral("aestudio-sweep"), slurmDir(dir) + QStringLiteral("/cell-%a.log"), o, o.cpusPerTask);
    s += QStringLiteral("#SBATCH --array=0-%1%2\n")
             .arg(cells - 1)
             .arg(o.maxParallel > 0 ? QStringLiteral("%%1").arg(o.maxParallel) : QString());
    s += QStringLiteral("# One task per cell of %1 (%2 cells). A task that finds its cell finished exits at once; one\n"
                        "# that finds it partial resumes it, so requeues and resubmissions never redo work.\n")
             .arg(dir)
             .arg(cells);
    s += QStringLiteral("set -eu\n");
    s += QStringLiteral("exec %1 sweep-cell --plan %2 --index \"$SLURM_ARRAY_TASK_ID\" --threads "
                        "\"${SLURM_CPUS_PER_TASK:-1}\"\n")
             .arg(shellQuoted(o.cli), shellQuoted(QDir(dir).filePath(QStringLiteral("plan.json"))));
    return s;
}

QString Slurm::collectScript(const QString &folder, const Options &o)
{
    const QString dir = QDir(folder).absolutePath();
    Options light = o;
    light.time = QStringLiteral("00:10:00");
    QString s = header(QStringLiteral("aestudio-collect"), slurmDir(dir) + QStringLiteral("/collect.log"), light, 1);
    s += QStringLiteral("# Builds results.csv and table.md once every cell task has ended (afterany); it fails, and\n"
                        "# names them, when some cells did not finish.\n");
    s += QStringLiteral("set -eu\n");
    s += QStringLiteral("exec %1 sweep-collect %2\n").arg(shellQuoted(o.cli), shellQuoted(dir));
    return s;
}

void Slurm::validate(const Options &o)
{
    if (!QRegularExpression(QStringLiteral("^(\\d+-)?\\d{1,3}(:\\d{2}){0,2}$")).match(o.time).hasMatch())
        throw ConfigError(QStringLiteral("time '%1' is not a Slurm time (e.g. 01:30:00 or 1-00:00:00)").arg(o.time));
    if (o.cpusPerTask < 1 || o.cpusPerTask > 1024 || o.maxParallel < 0)
        throw ConfigError(QStringLiteral("CPUs per task must be 1 to 1024 and tasks at once 0 (no limit) or more"));
    if (!o.partition.isEmpty()
        && !QRegularExpression(QStringLiteral("^[A-Za-z0-9_.,-]+$")).match(o.partition).hasMatch())
        throw ConfigError(QStringLiteral("partition '%1' is not a Slurm partition name").arg(o.partition.left(40)));
    if (o.cli.isEmpty() || !QDir::isAbsolutePath(o.cli))
        throw ConfigError(QStringLiteral("the nodes need an absolute path to aestudio-cli"));
    for (const QString &arg : o.extraArgs)
        if (!arg.startsWith(QLatin1Char('-')) || arg.contains(QLatin1Char('\n')))
            throw ConfigError(QStringLiteral("sbatch option '%1' must start with - and be one line").arg(arg.left(40)));
}

Slurm::Scripts Slurm::writeScripts(const QString &folder, int cells, const Options &options)
{
    if (cells < 1)
        throw ConfigError(QStringLiteral("a sweep with no cells has nothing to submit"));
    validate(options);
    // sbatch reads the #SBATCH lines itself: spaces, '#', quotes, backslashes and '%' in a path would break them.
    if (QDir(folder).absolutePath().contains(QRegularExpression(QStringLiteral("[\\s#'\"\\\\%]"))))
        throw ConfigError(QStringLiteral("%1: Slurm's script lines cannot hold a folder with spaces, '#', quotes, "
                                         "backslashes or '%'; choose another output folder")
                              .arg(QDir(folder).absolutePath()));
    const QString dir = slurmDir(QDir(folder).absolutePath());
    if (!QDir().mkpath(dir))
        throw StudioError(QStringLiteral("%1: cannot create the folder").arg(dir));
    Scripts s{QDir(dir).filePath(QStringLiteral("sweep.sbatch")), QDir(dir).filePath(QStringLiteral("collect.sbatch"))};
    AtomicFile::write(s.array, arrayScript(folder, cells, options).toUtf8());
    AtomicFile::write(s.collect, collectScript(folder, options).toUtf8());
    for (const QString &path : {s.array, s.collect})
        QFile::setPermissions(path, QFile::permissions(path) | QFile::ExeOwner | QFile::ExeGroup | QFile::ExeOther);
    return s;
}

bool Slurm::available()
{
    return !QStandardPaths::findExecutable(QStringLiteral("sbatch")).isEmpty();
}

Slurm::Submission Slurm::submit(const QString &folder, const Scripts &scripts)
{
    if (!available())
        throw StudioError(QStringLiteral("sbatch is not on PATH: this machine is not a Slurm submit host. The scripts "
                                         "are in %1; submit them from a login node with 'sbatch %2'")
                              .arg(slurmDir(folder), scripts.array));
    Submission s;
    const QString jobs = QDir(slurmDir(folder)).filePath(QStringLiteral("jobs.json"));
    s.arrayJob = submitOne({QStringLiteral("--parsable"), scripts.array});
    // Remembered at once: if the collect job fails to submit, the array still runs and is still followed.
    AtomicFile::writeJson(jobs, QJsonObject{{QStringLiteral("array_job"), s.arrayJob}});
    s.collectJob = submitOne({QStringLiteral("--parsable"), QStringLiteral("--dependency=afterany:%1").arg(s.arrayJob),
                              QStringLiteral("--kill-on-invalid-dep=no"), scripts.collect});
    AtomicFile::writeJson(
        jobs, QJsonObject{{QStringLiteral("array_job"), s.arrayJob}, {QStringLiteral("collect_job"), s.collectJob}});
    return s;
}

Slurm::Submission Slurm::lastSubmission(const QString &folder)
{
    QFile file(QDir(slurmDir(folder)).filePath(QStringLiteral("jobs.json")));
    if (file.size() > 4096 || !file.open(QIODevice::ReadOnly))
        return {};
    const QJsonObject json = QJsonDocument::fromJson(file.readAll()).object();
    return {json.value(QStringLiteral("array_job")).toString(), json.value(QStringLiteral("collect_job")).toString()};
}

QMap<int, QString> Slurm::taskStates(const QString &folder)
{
    QMap<int, QString> states;
    const QString job = lastSubmission(folder).arrayJob;
    bool numeric = false;
    job.toLongLong(&numeric);
    if (!numeric)
        return states;
    // Ended tasks first (sacct; nothing when accounting is off), then live ones (squeue) on top.
    const QString ended = query(QStringLiteral("sacct"),
                                {QStringLiteral("-n"), QStringLiteral("-P"), QStringLiteral("-X"), QStringLiteral("-j"),
                                 job, QStringLiteral("-o"), QStringLiteral("JobID,State")});
    for (const QString &line : ended.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        const QString id = line.section(QLatin1Char('|'), 0, 0);
        const QString state = line.section(QLatin1Char('|'), 1, 1).section(QLatin1Char(' '), 0, 0);
        bool ok = false;
        const int task = id.section(QLatin1Char('_'), 1, 1).toInt(&ok);
        if (ok && id.startsWith(job + QLatin1Char('_')))
            states[task] = state;
    }
    const QString live = query(QStringLiteral("squeue"),
                               {QStringLiteral("-h"), QStringLiteral("-r"), QStringLiteral("-j"), job,
                                QStringLiteral("-o"), QStringLiteral("%K %T")});
    for (const QString &line : live.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        bool ok = false;
        const int task = line.section(QLatin1Char(' '), 0, 0).toInt(&ok);
        if (ok)
            states[task] = line.section(QLatin1Char(' '), 1, 1);
    }
    return states;
}

QVector<SweepCellStatus> Slurm::cellStatus(const QString &dir)
{
    QVector<SweepCellStatus> cells = SweepCells::status(dir, SweepPlan::read(SweepPlan::fileIn(dir)));
    const QMap<int, QString> scheduler = Slurm::taskStates(dir);
    for (SweepCellStatus &s : cells) {
        const QString word = scheduler.value(s.index);
        if (word.isEmpty() || s.state == SweepCellStatus::State::Done)
            continue;
        static const QStringList waiting{QStringLiteral("PENDING"),      QStringLiteral("REQUEUED"),
                                         QStringLiteral("REQUEUE_HOLD"), QStringLiteral("REQUEUE_FED"),
                                         QStringLiteral("CONFIGURING"),  QStringLiteral("SUSPENDED"),
                                         QStringLiteral("RESIZING")};
        if (waiting.contains(word)) {
            s.state = SweepCellStatus::State::Queued;
            s.detail = QStringLiteral("Slurm: %1").arg(word);
        } else if (word == QLatin1String("RUNNING") || word == QLatin1String("COMPLETING")) {
            s.state = SweepCellStatus::State::Running;
            s.detail.clear(); // the folder's guess (stopped, result pending) is superseded
        } else if (word != QLatin1String("COMPLETED")) {
            s.state = SweepCellStatus::State::Failed;
            s.detail = QStringLiteral("Slurm: %1%2")
                           .arg(word, s.detail.isEmpty() ? QString() : QStringLiteral("; ") + s.detail);
        }
    }
    return cells;
}

} // namespace aestudio
