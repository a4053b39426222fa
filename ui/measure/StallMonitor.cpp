#include "StallMonitor.h"

#include <algorithm>
#include <cmath>

namespace aestudio {

double percentile(QVector<double> values, double p)
{
    if (values.isEmpty())
        return 0.0;
    std::sort(values.begin(), values.end());
    const double rank = p / 100.0 * (values.size() - 1);
    const int lo = int(std::floor(rank));
    const int hi = std::min(lo + 1, int(values.size()) - 1);
    return values[lo] + (values[hi] - values[lo]) * (rank - lo);
}

StallMonitor::StallMonitor(int intervalMs, QObject *parent) : QObject(parent), m_intervalMs(intervalMs)
{
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(intervalMs);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        const qint64 now = m_clock.nsecsElapsed();
        m_lateness.append(std::max(0.0, (now - m_lastNs) / 1e6 - m_intervalMs));
        m_lastNs = now;
    });
}

void StallMonitor::start()
{
    m_lateness.clear();
    m_clock.start();
    m_lastNs = 0;
    m_timer.start();
}

void StallMonitor::stop()
{
    m_timer.stop();
}

} // namespace aestudio
