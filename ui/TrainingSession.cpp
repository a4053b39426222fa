#include "TrainingSession.h"

#include "RunRecord.h"
#include "TrainingWorker.h"

#include <QDir>
#include <QFileInfo>

namespace aestudio {

TrainingSession::TrainingSession(QObject *parent) : QObject(parent)
{
    registerStudioMetaTypes();
}

TrainingSession::~TrainingSession()
{
    if (m_thread) {
        m_control->setPaused(false);
        m_control->requestStop();
        m_thread->quit();
        m_thread->wait();
    }
}

QString TrainingSession::stateName(State s)
{
    switch (s) {
    case State::Idle:
        return tr("Idle");
    case State::Loading:
        return tr("Loading data");
    case State::Running:
        return tr("Training");
    case State::Paused:
        return tr("Paused");
    case State::Stopping:
        return tr("Stopping");
    case State::Finished:
        return tr("Finished");
    case State::Stopped:
        return tr("Stopped");
    case State::Failed:
        return tr("Failed");
    }
    return {};
}

bool TrainingSession::isActive() const
{
    return m_state == State::Loading || m_state == State::Running || m_state == State::Paused
        || m_state == State::Stopping;
}

QString TrainingSession::checkpointPath() const
{
    if (m_hasEpoch)
        return QDir(m_runFolder).filePath(QStringLiteral("checkpoint.aes"));
    return m_adoptedCheckpoint;
}

QString TrainingSession::progressName() const
{
    if (isActive() || m_history.isEmpty() || (m_state != State::Finished && m_state != State::Stopped))
        return stateName(m_state);
    const int done = int(m_history.size()), target = std::max(m_config.epochs, done);
    if (done >= target)
        return tr("Finished %1/%2").arg(done).arg(target);
    return m_state == State::Stopped ? tr("Stopped at %1/%2").arg(done).arg(target)
                                     : tr("Early-stopped at %1/%2").arg(done).arg(target); // patience
}

QString TrainingSession::summaryText() const
{
    if (m_history.isEmpty())
        return progressName();
    const auto best
        = std::min_element(m_history.begin(), m_history.end(),
                           [](const EpochMetrics &a, const EpochMetrics &b) { return a.valLoss < b.valLoss; });
    double seconds = 0;
    for (const EpochMetrics &m : m_history)
        seconds += m.seconds;
    return tr("%1 — best val %2 at epoch %3 · PSNR %4 dB (global) · %5")
        .arg(progressName())
        .arg(best->valLoss, 0, 'f', 4)
        .arg(best->epoch)
        .arg(best->valPsnrGlobalDb, 0, 'f', 2)
        .arg(formatDuration(seconds));
}

void TrainingSession::setState(State s)
{
    if (s == m_state)
        return;
    m_state = s;
    Q_EMIT stateChanged(s);
}

void TrainingSession::start(const TrainingConfig &config, const QString &resumeFrom, const QString &folder)
{
    if (isActive())
        return;
    m_config = config;
    if (resumeFrom.isEmpty()) {
        m_history.clear();
        m_epochGrids.clear();
        Q_EMIT epochGridsChanged();
    }
    m_control = std::make_shared<RunControl>();
    // A checkpoint is read whole before its folder is written again, so a run can continue in its own folder.
    auto *worker
        = new TrainingWorker({config, resumeFrom, resumeFrom.isEmpty() ? QString() : folder}, m_snapshots, m_control);
    auto *thread = new QThread(this);
    worker->moveToThread(thread);
    connect(thread, &QThread::started, worker, &TrainingWorker::run);
    connect(worker, &TrainingWorker::done, thread, &QThread::quit);
    connect(thread, &QThread::finished, worker, &QObject::deleteLater);
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);

    connect(worker, &TrainingWorker::datasetLoaded, this,
            [this](const QString &name, int tr, int va, int te, const ProbeImages &p, const ProbeImages &eval) {
                if (m_state == State::Loading)
                    setState(State::Running);
                Q_EMIT datasetLoaded(name, tr, va, te, p, eval);
            });
    connect(worker, &TrainingWorker::batchesProgressed, this, [this](const QVector<BatchProgress> &reports) {
        if (reports.isEmpty())
            return;
        Q_EMIT batchesProgressed(reports);
        Q_EMIT batchProgress(reports.back());
    });
    connect(worker, &TrainingWorker::runFolderReady, this, [this](const QString &path) {
        m_runFolder = path;
        m_hasEpoch = QFileInfo::exists(QDir(path).filePath(QStringLiteral("checkpoint.aes")));
        Q_EMIT runFolderChanged(path);
    });
    connect(worker, &TrainingWorker::epochGridsRestored, this, [this](const QVector<ProbeSnapshot> &grids) {
        m_epochGrids = grids;
        Q_EMIT epochGridsChanged();
    });
    connect(worker, &TrainingWorker::epochGrids, this, [this](const ProbeSnapshot &grids) {
        m_epochGrids.append(grids);
        Q_EMIT epochGridsChanged();
    });
    connect(worker, &TrainingWorker::epochFinished, this, [this](const EpochMetrics &m) {
        m_history.append(m);
        m_hasEpoch = true;
        Q_EMIT epochFinished(m);
    });
    connect(worker, &TrainingWorker::snapshotPublished, this, &TrainingSession::snapshotPublished);
    connect(worker, &TrainingWorker::finished, this, [this](const TrainingSummary &s) {
        setState(s.stopped ? State::Stopped : State::Finished);
        Q_EMIT finished(s);
    });
    connect(worker, &TrainingWorker::failed, this, [this](const QString &message) {
        setState(State::Failed);
        Q_EMIT failed(message);
    });
    m_thread = thread;
    setState(State::Loading);
    thread->start();
}

void TrainingSession::pause()
{
    if (m_state != State::Running)
        return;
    m_control->setPaused(true);
    setState(State::Paused);
}

void TrainingSession::resume()
{
    if (m_state != State::Paused)
        return;
    m_control->setPaused(false);
    setState(State::Running);
}

void TrainingSession::stop()
{
    if (!isActive() || m_state == State::Stopping)
        return;
    m_control->requestStop();
    m_control->setPaused(false);
    setState(State::Stopping);
}

void TrainingSession::adopt(const TrainingConfig &config, const QVector<EpochMetrics> &history,
                            const QString &checkpoint, std::shared_ptr<const InferenceModel> model,
                            const QVector<ProbeSnapshot> &epochGrids)
{
    if (isActive())
        return;
    m_config = config;
    m_history = history;
    m_epochGrids = epochGrids;
    Q_EMIT epochGridsChanged();
    m_adoptedCheckpoint = checkpoint;
    m_hasEpoch = false;
    const QFileInfo file(checkpoint);
    m_runFolder = file.fileName() == QLatin1String("checkpoint.aes") && RunRecord::looksLikeRun(file.absolutePath())
        ? file.absolutePath()
        : QString();
    Q_EMIT runFolderChanged(m_runFolder);
    m_snapshots->publish(std::move(model));
    // A checkpoint short of its planned epochs was stopped (or is still to be resumed): it says so.
    setState(history.size() < config.epochs ? State::Stopped : State::Finished);
    Q_EMIT snapshotPublished();
}

} // namespace aestudio
