#include "SweepWatcher.h"

#include "Slurm.h"

#include <QDir>

namespace aestudio {

SweepWatcher::SweepWatcher(QObject *parent) : QObject(parent)
{
    m_poll.setInterval(kPollMs);
    connect(&m_poll, &QTimer::timeout, this, &SweepWatcher::refresh);
    connect(&m_fs, &QFileSystemWatcher::directoryChanged, this, &SweepWatcher::refresh);
    connect(&m_fs, &QFileSystemWatcher::fileChanged, this, &SweepWatcher::refresh);
}

void SweepWatcher::watch(const QString &folder)
{
    stop();
    m_folder = folder;
    m_fs.addPath(folder);
    m_poll.start();
    refresh();
}

void SweepWatcher::stop()
{
    m_job.cancel();
    m_poll.stop();
    if (!m_fs.directories().isEmpty())
        m_fs.removePaths(m_fs.directories());
    if (!m_fs.files().isEmpty())
        m_fs.removePaths(m_fs.files());
    m_folder.clear();
}

void SweepWatcher::refresh()
{
    if (m_folder.isEmpty())
        return;
    const QString folder = m_folder;
    m_job.start(
        [folder](const std::function<bool()> &) {
            Snapshot s;
            const SweepPlan plan = SweepPlan::read(SweepPlan::fileIn(folder));
            s.cells = Slurm::cellStatus(folder);
            s.results.resize(plan.cells.size());
            for (const SweepCellStatus &c : std::as_const(s.cells))
                if (c.state == SweepCellStatus::State::Done)
                    if (std::optional<SweepResult> r = SweepCells::readResult(folder, c.name))
                        s.results[c.index] = *r;
            return s;
        },
        [this, folder](const Snapshot &s) {
            if (folder != m_folder)
                return;
            // Cell folders appear as tasks start: watch each one's files too (metrics.csv, run.json, result.json).
            for (const SweepCellStatus &c : s.cells) {
                const QString cell = QDir(folder).filePath(c.name);
                if (QDir(cell).exists() && !m_fs.directories().contains(cell))
                    m_fs.addPath(cell);
            }
            Q_EMIT updated(s);
        },
        [this](const QString &message) { Q_EMIT failed(message); });
}

} // namespace aestudio
