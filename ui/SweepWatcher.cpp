#include "SweepWatcher.h"

#include "Slurm.h"

#include <QDir>

namespace aestudio {

SweepWatcher::SweepWatcher(QObject *parent) : QObject(parent)
{
    m_poll.setInterval(kPollMs);
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(300);
    connect(&m_poll, &QTimer::timeout, this, &SweepWatcher::refresh);
    connect(&m_debounce, &QTimer::timeout, this, &SweepWatcher::refresh);
    connect(&m_fs, &QFileSystemWatcher::directoryChanged, &m_debounce, qOverload<>(&QTimer::start));
    connect(&m_fs, &QFileSystemWatcher::fileChanged, &m_debounce, qOverload<>(&QTimer::start));
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
    m_reading = m_again = false;
    m_poll.stop();
    m_debounce.stop();
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
    if (m_reading) {
        m_again = true;
        return;
    }
    m_reading = true;
    const QString folder = m_folder;
    m_job.start(
        [folder](const std::function<bool()> &) {
            Snapshot s;
            s.folder = folder;
            s.cells = Slurm::cellStatus(folder);
            return s;
        },
        [this, folder](const Snapshot &s) {
            m_reading = false;
            if (std::exchange(m_again, false))
                m_debounce.start();
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
        [this](const QString &message) {
            m_reading = false;
            Q_EMIT failed(message);
        });
}

} // namespace aestudio
