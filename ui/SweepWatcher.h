// Follows a sweep folder that something else fills (Slurm array tasks on other nodes, a sweep-cell by hand): each
// cell's state from its folder and the scheduler (Slurm::cellStatus) and the results of the finished ones, read off
// the GUI thread whenever the folder changes (QFileSystemWatcher) and every few seconds anyway, since network
// filesystems do not report changes made on other machines.
#pragma once

#include "BackgroundJob.h"
#include "SweepPlan.h"

#include <QFileSystemWatcher>
#include <QObject>
#include <QTimer>

namespace aestudio {

class SweepWatcher : public QObject {
    Q_OBJECT
public:
    static constexpr int kPollMs = 5000;
    explicit SweepWatcher(QObject *parent = nullptr);

    void watch(const QString &folder); // a folder with plan.json
    void stop();
    bool watching() const { return !m_folder.isEmpty(); }
    void refresh(); // reads the folder now (off the GUI thread)

    struct Snapshot {
        QString folder;
        QVector<SweepCellStatus> cells; // with each done cell's result
    };

Q_SIGNALS:
    void updated(const aestudio::SweepWatcher::Snapshot &snapshot);
    void failed(const QString &message);

private:
    QString m_folder;
    QFileSystemWatcher m_fs;
    QTimer m_poll;
    QTimer m_debounce;      // file events come in bursts: one read after they settle
    bool m_reading = false; // a read is in flight: the next one waits for it (squeue/sacct can take seconds)
    bool m_again = false;
    BackgroundJob m_job{this};
};

} // namespace aestudio
