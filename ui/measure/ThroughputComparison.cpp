#include "ThroughputComparison.h"

#include "TrainingRun.h"
#include "TrainingSession.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTimer>

namespace aestudio {

ThroughputComparison::ThroughputComparison(TrainingSession *session, int pairs, int windowMs, QObject *parent)
    : QObject(parent), m_session(session), m_config(session->config()), m_pairsLeft(pairs), m_windowMs(windowMs)
{
    // The newest report of each burst; each carries the time the trainer made it, which is what is compared.
    // Reports made before a window opened (delivered in its first burst) do not count.
    connect(session, &TrainingSession::batchProgress, this, [this](const BatchProgress &b) {
        m_latestSeconds = std::max(m_latestSeconds, b.elapsedSeconds);
        if (!m_counting || b.elapsedSeconds < m_windowStartSeconds)
            return;
        if (m_firstStep < 0) {
            m_firstStep = b.step;
            m_firstSeconds = b.elapsedSeconds;
        }
        m_lastStep = b.step;
        m_lastSeconds = b.elapsedSeconds;
    });
}

void ThroughputComparison::start()
{
    m_data = std::make_shared<const DatasetSplit>(DatasetCatalog::load(m_config));
    studioWindow();
}

void ThroughputComparison::studioWindow()
{
    m_firstStep = m_lastStep = -1;
    m_windowStartSeconds = m_latestSeconds;
    m_counting = true;
    QTimer::singleShot(m_windowMs, this, [this] {
        m_counting = false;
        if (m_lastStep > m_firstStep) {
            m_studio.samples += double(m_lastStep - m_firstStep) * m_config.batchSize;
            m_studio.seconds += m_lastSeconds - m_firstSeconds;
        }
        m_session->pause();
        // Let the worker reach its pause point, then train headless with the GUI thread blocked (it has nothing
        // to show while the studio's run is paused).
        QTimer::singleShot(200, this, [this] {
            headlessWindow();
            m_session->resume();
            if (--m_pairsLeft > 0)
                QTimer::singleShot(300, this, &ThroughputComparison::studioWindow); // settle before counting
            else
                Q_EMIT finished();
        });
    });
}

namespace {

class HeadlessWindow : public TrainingObserver {
public:
    HeadlessWindow(RunControl &control, qint64 warmupNs, qint64 endNs)
        : m_control(control), m_warmupNs(warmupNs), m_endNs(endNs)
    {
        m_clock.start();
    }
    void batchProgress(const BatchProgress &b) override
    {
        const qint64 now = m_clock.nsecsElapsed();
        if (now >= m_endNs)
            m_control.requestStop();
        if (now < m_warmupNs || now >= m_endNs)
            return;
        if (firstStep < 0) {
            firstStep = b.step;
            firstNs = now;
        }
        lastStep = b.step;
        lastNs = now;
    }
    qint64 firstStep = -1, lastStep = -1, firstNs = 0, lastNs = 0;

private:
    RunControl &m_control;
    QElapsedTimer m_clock;
    qint64 m_warmupNs, m_endNs;
};

} // namespace

void ThroughputComparison::headlessWindow()
{
    QTemporaryDir folder; // the same run-folder writes as `aestudio-cli train` and the studio's own runs
    TrainingRun run(m_config, RunDirectory(folder.path()), TrainingRun::Options{{}, m_data});
    RunControl control;
    // A fresh trainer's first half second (buffers, first batches) is not counted, as the studio's warm-up epoch.
    constexpr qint64 kWarmupNs = 500'000'000;
    HeadlessWindow window(control, kWarmupNs, kWarmupNs + qint64(m_windowMs) * 1'000'000);
    run.run(window, control);
    if (window.lastStep > window.firstStep) {
        m_headless.samples += double(window.lastStep - window.firstStep) * m_config.batchSize;
        m_headless.seconds += double(window.lastNs - window.firstNs) / 1e9;
    }
}

} // namespace aestudio
