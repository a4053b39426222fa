#include "SweepSession.h"

#include "Errors.h"
#include "JobLayout.h"

namespace aestudio {
namespace {

// Lives on the sweep thread; its signals reach the session queued.
class SweepBridge : public QObject, public SweepObserver {
    Q_OBJECT
public:
    void layoutChosen(const JobLayout &l) override { Q_EMIT layout(l.describe()); }
    void runStarted(int i, const SweepSpec::Run &r) override { Q_EMIT started(i, r.name, r.config.epochs); }
    void runEpoch(int i, const EpochMetrics &m) override { Q_EMIT epoch(i, m); }
    void runFinished(int i, const SweepResult &r) override { Q_EMIT finished(i, r); }
Q_SIGNALS:
    void layout(const QString &description);
    void started(int index, const QString &name, int epochs);
    void epoch(int index, const aestudio::EpochMetrics &m);
    void finished(int index, const aestudio::SweepResult &r);
    void failed(const QString &message);
    void done();
};

} // namespace

SweepSession::SweepSession(QObject *parent) : QObject(parent)
{
    registerStudioMetaTypes();
}

SweepSession::~SweepSession()
{
    if (m_thread) {
        m_control->requestStop();
        m_thread->quit();
        m_thread->wait();
    }
}

void SweepSession::stop()
{
    if (m_control)
        m_control->requestStop();
}

void SweepSession::start(const SweepSpec &spec, const QString &folder)
{
    if (running())
        return;
    m_control = std::make_shared<RunControl>();
    auto *bridge = new SweepBridge;
    auto *thread = new QThread(this);
    bridge->moveToThread(thread);
    auto control = m_control;
    connect(thread, &QThread::started, bridge, [bridge, spec, folder, control] {
        try {
            Sweep sweep(spec, folder);
            Sweep::writeSummary(folder, sweep.run(*bridge, *control));
        } catch (const std::exception &e) {
            Q_EMIT bridge->failed(describeError(e));
        }
        Q_EMIT bridge->done();
    });
    connect(bridge, &SweepBridge::done, thread, &QThread::quit);
    connect(thread, &QThread::finished, bridge, &QObject::deleteLater);
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    connect(bridge, &SweepBridge::layout, this, &SweepSession::layoutChosen);
    connect(bridge, &SweepBridge::started, this, &SweepSession::runStarted);
    connect(bridge, &SweepBridge::epoch, this, &SweepSession::runEpoch);
    connect(bridge, &SweepBridge::finished, this, &SweepSession::runFinished);
    connect(bridge, &SweepBridge::failed, this, &SweepSession::failed);
    connect(thread, &QThread::finished, this, [this, control] { Q_EMIT finished(control->stopRequested()); });
    m_thread = thread;
    thread->start();
}

} // namespace aestudio

#include "SweepSession.moc"
