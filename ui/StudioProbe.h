// Measures the studio as a user feels it: event-loop stalls (a 5 ms timer timing its own lateness), noise-slider
// latency (value change to repainted grid), and training throughput seen by the GUI. Used by `aestudio --measure-ui`
// and the UI tests; it drives the real window, never a mock.
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include <QVector>

namespace aestudio {

class MainWindow;

double percentile(QVector<double> values, double p); // p in [0,100]; 0 for an empty list

class StallMonitor : public QObject {
    Q_OBJECT
public:
    explicit StallMonitor(int intervalMs = 5, QObject *parent = nullptr);
    void start();
    void stop();
    const QVector<double> &latenessMs() const { return m_lateness; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_lastNs = 0;
    int m_intervalMs;
    QVector<double> m_lateness;
};

class SliderLatencyProbe : public QObject {
    Q_OBJECT
public:
    explicit SliderLatencyProbe(MainWindow *window, QObject *parent = nullptr);
    void moveSlider();                     // sets the eval slider to its next value and starts a measurement
    const QVector<double> &latenciesMs() const { return m_latencies; }

private:
    MainWindow *m_window;
    QElapsedTimer m_clock;
    qint64 m_pendingSinceNs = -1;
    int m_next = 0;
    QVector<double> m_latencies;
};

} // namespace aestudio
