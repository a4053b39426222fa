// A run folder read back for browsing (the studio's Runs browser, tests): its recipe, curves, label and how the run
// stands, including "crashed" for a run whose run.json says running but whose process is gone. Never throws on a
// stranger's folder: what cannot be read is reported in `problem`.
#pragma once

#include "TrainingConfig.h"
#include "TrainingTypes.h"

#include <QDateTime>
#include <QJsonObject>
#include <QStringList>

namespace aestudio {

struct RunRecord {
    enum class Status { Running, Finished, Stopped, Failed, Crashed, Unknown };

    QString path;
    QString folderName;
    QString name; // label.json's name, else the folder name
    QString note;
    QDateTime started;
    TrainingConfig config;
    QJsonObject recipe; // config.json as written: settings, dataset files with SHA-256, library versions
    QString datasetName;
    QVector<EpochMetrics> history;
    Status status = Status::Unknown;
    QString error;   // the run's own failure, when it failed
    QString host;    // where it ran (a run on another host cannot be checked for liveness)
    QString problem; // why the folder could not be read, when it could not

    bool readable() const { return problem.isEmpty(); }
    bool hasCheckpoint() const;
    QString checkpointPath() const;
    int epochsDone() const { return history.isEmpty() ? 0 : history.back().epoch; }
    const EpochMetrics *bestEpoch() const; // lowest finite validation loss, or null
    QString architecture() const;          // "784-256-128-30" and friends
    static QString statusName(Status s);

    static bool looksLikeRun(const QString &folder); // holds a config.json
    static RunRecord read(const QString &folder);
    // Every run folder in `root` and one level below it (sweep folders hold their cells), newest first.
    static QStringList findRuns(const QString &root);
};

} // namespace aestudio
