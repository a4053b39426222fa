// Sweeps on a Slurm cluster, without cluster code of our own: Slurm schedules, retries and places; we write a job
// array (one task per sweep cell, each `aestudio-cli sweep-cell`), submit it and a collect job that depends on it,
// and read back what squeue and sacct say. Everything else lives in the shared sweep folder (SweepPlan.h).
#pragma once

#include <QMap>
#include <QVector>
#include <QString>
#include <QStringList>

namespace aestudio {
struct SweepCellStatus;
}

namespace aestudio::Slurm {

struct Options {
    QString cli;                               // absolute path of aestudio-cli as the nodes see it
    QString partition;                         // empty: the cluster's default
    QString time = QStringLiteral("01:00:00"); // per task
    int cpusPerTask = 2;                       // each cell trains with this many threads
    int maxParallel = 0;                       // array tasks at once (%M); 0: as many as Slurm allows
    QStringList extraArgs;                     // more #SBATCH lines, e.g. "--mem=4G", "--account=lab"
};

// Throws ConfigError for settings Slurm would refuse: a malformed time, CPUs out of range, a relative cli path.
void validate(const Options &options);

// The job array for a sweep folder of `cells` cells, and the job that collects its results.
QString arrayScript(const QString &folder, int cells, const Options &options);
QString collectScript(const QString &folder, const Options &options);

struct Scripts {
    QString array, collect; // paths under folder/slurm/
};
// Writes both scripts into folder/slurm/ (atomically, executable).
Scripts writeScripts(const QString &folder, int cells, const Options &options);

bool available(); // sbatch is on PATH
struct Submission {
    QString arrayJob, collectJob;
};
// sbatch --parsable the array, then the collect job with --dependency=afterany:<array>; remembers both ids in
// folder/slurm/jobs.json. Throws StudioError saying what failed (no sbatch, sbatch's own message).
Submission submit(const QString &folder, const Scripts &scripts);
// The ids of the last submission of this folder, if any.
Submission lastSubmission(const QString &folder);

// What the scheduler says of each array task of the last submission (index -> PENDING, RUNNING, COMPLETED,
// FAILED, CANCELLED, TIMEOUT, PREEMPTED, ...): squeue for live tasks, sacct for ended ones. Empty when neither
// tool is here, nothing was submitted, or accounting is off (then the folders alone tell).
QMap<int, QString> taskStates(const QString &folder);

// Each cell's state from its folder (SweepCells::status), corrected by the scheduler where it knows more: a cell
// with no folder yet that Slurm runs is running, one Slurm cancelled or timed out is failed with Slurm's word.
QVector<SweepCellStatus> cellStatus(const QString &folder);

} // namespace aestudio::Slurm
