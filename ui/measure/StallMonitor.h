// Event-loop stalls as a user feels them: a 5 ms timer timing its own lateness on the GUI thread. Part of the
// measurement harness (`aestudio --measure-ui`), never of the product's panels.
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include <QVector>

namespace aestudio {

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

} // namespace aestudio
