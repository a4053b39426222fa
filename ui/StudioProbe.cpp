#include "StudioProbe.h"

#include "ImageGridPanel.h"
#include "MainWindow.h"
#include "NoiseExplorerPanel.h"

#include <QSlider>

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

SliderLatencyProbe::SliderLatencyProbe(MainWindow *window, QObject *parent) : QObject(parent), m_window(window)
{
    m_clock.start();
    connect(window->explorer(), &NoiseExplorerPanel::previewReady, this, [this] {
        if (m_pendingSinceNs < 0)
            return;
        // The grids were updated by an earlier connection; force the paint so the latency includes it.
        m_window->gridPanel()->repaint();
        m_latencies.append((m_clock.nsecsElapsed() - m_pendingSinceNs) / 1e6);
        m_pendingSinceNs = -1;
    });
}

void SliderLatencyProbe::moveSlider()
{
    static const int kValues[] = {10, 30, 50, 70, 90, 60, 40, 20};
    QSlider *slider = m_window->explorer()->slider();
    int value = kValues[m_next++ % 8];
    if (value == slider->value())
        value = kValues[m_next++ % 8];
    m_pendingSinceNs = m_clock.nsecsElapsed();
    slider->setValue(value);
}

} // namespace aestudio
