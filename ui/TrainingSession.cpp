#include "TrainingSession.h"

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
    case State::Idle: return tr("Idle");
    case State::Loading: return tr("Loading data");
    case State::Running: return tr("Training");
    case State::Paused: return tr("Paused");
    case State::Stopping: return tr("Stopping");
    case State::Finished: return tr("Finished");
    case State::Stopped: return tr("Stopped");
    case State::Failed: return tr("Failed");
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
    if (m_hasAutosave)
        return QDir(m_autosaveDir.path()).filePath(QStringLiteral("checkpoint.aes"));
    return m_adoptedCheckpoint;
}

void TrainingSession::setState(State s)
{
    if (s == m_state)
        return;
    m_state = s;
    Q_EMIT stateChanged(s);
}

void TrainingSession::start(const TrainingConfig &config, const QString &resumeFrom)
{
    if (isActive())
        return;
    m_config = config;
    if (resumeFrom.isEmpty())
        m_history.clear();
    m_control = std::make_shared<RunControl>();
    const QString autosave = QDir(m_autosaveDir.path()).filePath(QStringLiteral("checkpoint.aes"));
    QString resume = resumeFrom;
    if (!resume.isEmpty() && QFileInfo(resume) == QFileInfo(autosave)) {
        // The worker overwrites the autosave after each epoch; resume from a copy so the source stays intact.
        const QString copy = QDir(m_autosaveDir.path()).filePath(QStringLiteral("resume.aes"));
        QFile::remove(copy);
        QFile::copy(autosave, copy);
        resume = copy;
    }
    auto *worker = new TrainingWorker({config, resume, autosave}, m_snapshots, m_control);
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
    connect(worker, &TrainingWorker::epochFinished, this, [this](const EpochMetrics &m) {
        m_history.append(m);
        m_hasAutosave = true;
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
                            const QString &checkpoint, std::shared_ptr<const InferenceModel> model)
{
    if (isActive())
        return;
    m_config = config;
    m_history = history;
    m_adoptedCheckpoint = checkpoint;
    m_hasAutosave = false;
    m_snapshots->publish(std::move(model));
    setState(State::Finished);
    Q_EMIT snapshotPublished();
}

} // namespace aestudio
