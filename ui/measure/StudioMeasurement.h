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
class ThroughputComparison;

class StudioMeasurement : public QObject {
    Q_OBJECT
public:
    static QList<QCommandLineOption> options();
    StudioMeasurement(MainWindow *window, const QCommandLineParser &parser, const QElapsedTimer &sinceMain);

private:
    void applyOptions(const QCommandLineParser &p);
    void drawStroke(const QString &points);
    void scheduleScreenshot(const QString &file, int afterMs);
    void startMeasurement(int phaseMs); // after the first epoch: throughput, then S/2 watching, S/2 sliding
    void finishMeasurement();
    MainWindow *m_window;
    StallMonitor *m_stalls = nullptr;
    SliderLatencyProbe *m_slider = nullptr;
    enum class Phase { Waiting, Throughput, Watch, Slider };
    Phase m_phase = Phase::Waiting;
    ThroughputComparison *m_throughput = nullptr;
    QVector<double> m_watchStalls;
};

} // namespace aestudio
