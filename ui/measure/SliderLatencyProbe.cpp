#include "SliderLatencyProbe.h"

#include "ImageGridPanel.h"
#include "MainWindow.h"
#include "NoiseExplorerPanel.h"

#include <QSlider>

namespace aestudio {

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
