// Noise-slider latency as a user feels it: from a slider value change to the repainted grids, on the real window.
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QVector>

namespace aestudio {

class MainWindow;

class SliderLatencyProbe : public QObject {
    Q_OBJECT
public:
    explicit SliderLatencyProbe(MainWindow *window, QObject *parent = nullptr);
    void moveSlider(); // sets the eval slider to its next value and starts a measurement
    const QVector<double> &latenciesMs() const { return m_latencies; }

private:
    MainWindow *m_window;
    QElapsedTimer m_clock;
    qint64 m_pendingSinceNs = -1;
    int m_next = 0;
    QVector<double> m_latencies;
};

} // namespace aestudio
