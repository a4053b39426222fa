// Command-line automation of the real studio window, for screenshots in docs/ and for the UI measurements of
// docs/performance.md: --start, --dataset, --epochs, --screenshot FILE [--screenshot-after S], --measure-ui S,
// --quit-after-show. Without these options it does nothing.
#pragma once

#include <QCommandLineOption>
#include <QElapsedTimer>
#include <QObject>
#include <QVector>

class QCommandLineParser;

namespace aestudio {

class MainWindow;
class StallMonitor;
class SliderLatencyProbe;

class StudioMeasurement : public QObject {
    Q_OBJECT
public:
    static QList<QCommandLineOption> options();
    StudioMeasurement(MainWindow *window, const QCommandLineParser &parser, const QElapsedTimer &sinceMain);

private:
    void finishMeasurement();
    MainWindow *m_window;
    StallMonitor *m_stalls = nullptr;
    SliderLatencyProbe *m_slider = nullptr;
    bool m_started = false;
    bool m_sliderPhase = false;
    QElapsedTimer m_clock;
    double m_firstSamples = -1;
    qint64 m_lastStep = 0;
    qint64 m_lastStepAt = 0;
    QVector<double> m_watchStalls;
};

} // namespace aestudio
