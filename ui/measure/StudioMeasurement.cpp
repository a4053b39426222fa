#include "StudioMeasurement.h"

#include "DrawPad.h"
#include "TimeScrubber.h"

#include "DatasetActions.h"
#include "DatasetSources.h"
#include "DownloadDialog.h"
#include "AtomicFile.h"

#include "Errors.h"
#include "ConfigPanel.h"
#include "ExperimentsPanel.h"
#include "ImageGridPanel.h"
#include "MainWindow.h"
#include "SliderLatencyProbe.h"
#include "StallMonitor.h"
#include "ThroughputComparison.h"

#include <QAction>
#include <QApplication>
#include <QCommandLineParser>
#include <QDialog>
#include <QMouseEvent>
#include <QTimer>

#include <cstdio>

namespace aestudio {

QList<QCommandLineOption> StudioMeasurement::options()
{
    return {
        {QStringLiteral("start"), QStringLiteral("Start training at once with the remembered settings.")},
        {QStringLiteral("dataset"), QStringLiteral("Dataset to select before starting."), QStringLiteral("name|path")},
        {QStringLiteral("epochs"), QStringLiteral("Epochs to set before starting."), QStringLiteral("N")},
        {QStringLiteral("screenshot"), QStringLiteral("Grab the window to FILE, then quit."), QStringLiteral("file")},
        {QStringLiteral("screenshot-after"), QStringLiteral("Seconds to wait before the screenshot (default 8)."),
         QStringLiteral("s"), QStringLiteral("8")},
        {QStringLiteral("measure-ui"),
         QStringLiteral("Train for S seconds while measuring event-loop stalls and "
                        "noise-slider latency; print a RESULT line and quit."),
         QStringLiteral("s")},
        {QStringLiteral("quit-after-show"), QStringLiteral("Print the time from main() to the first paint and quit.")},
        {QStringLiteral("experiments"),
         QStringLiteral("Show the Experiments page on this sweep folder with the seed "
                        "study preset queued (finished runs load at once)."),
         QStringLiteral("dir")},
        {QStringLiteral("runs"), QStringLiteral("Show the Runs page.")},
        {QStringLiteral("open-sweep"),
         QStringLiteral("Show the Experiments page following this sweep folder (cells that run elsewhere, e.g. on "
                        "Slurm, appear as they finish)."),
         QStringLiteral("dir")},
        {QStringLiteral("open-run"), QStringLiteral("Open this run folder, as the Runs page's Open does."),
         QStringLiteral("dir")},
        {QStringLiteral("datasets"), QStringLiteral("Open the dataset manager (a screenshot then shows it).")},
        {QStringLiteral("tab"),
         QStringLiteral("Show tab N (1 Training, 2 Runs, 3 Experiments, 4 Latent space, 5 Draw & denoise, 6 Where it "
                        "fails)."),
         QStringLiteral("N")},
        {QStringLiteral("scrub-epoch"),
         QStringLiteral("With --open-run: move the epoch scrubber to epoch N once the run is open."),
         QStringLiteral("N")},
        {QStringLiteral("zoom-probe"),
         QStringLiteral("With --open-run: open probe N's reconstruction at 10x once the run is open (a screenshot "
                        "then shows it)."),
         QStringLiteral("N")},
        {QStringLiteral("draw"),
         QStringLiteral("Drag the draw pad's brush through these canvas points (28x28 grid), e.g. "
                        "\"7,6;21,6;12,24\"."),
         QStringLiteral("points")},
        {QStringLiteral("size"), QStringLiteral("Resize the window to WxH, e.g. 1024x700 (small-screen screenshots)."),
         QStringLiteral("WxH")},
        {QStringLiteral("download"),
         QStringLiteral("Download this dataset as Download… does; with --start, training starts once it is here."),
         QStringLiteral("name")},
        {QStringLiteral("mirror"),
         QStringLiteral("Base URL every download uses instead of the built-in mirrors "
                        "(repeat for several)."),
         QStringLiteral("url")},
        {QStringLiteral("checksums"), QStringLiteral("md5sum-format file replacing the built-in sums of downloads."),
         QStringLiteral("file")},
    };
}

StudioMeasurement::StudioMeasurement(MainWindow *window, const QCommandLineParser &p, const QElapsedTimer &sinceMain)
    : QObject(window), m_window(window)
{
    if (p.isSet(QStringLiteral("quit-after-show"))) {
        QTimer::singleShot(0, this, [this, sinceMain] {
            m_window->repaint();
            std::printf("RESULT cold_start_ms=%lld\n", static_cast<long long>(sinceMain.elapsed()));
            std::fflush(stdout);
            QApplication::quit();
        });
        return;
    }
    applyOptions(p);
    if (p.isSet(QStringLiteral("screenshot")))
        scheduleScreenshot(p.value(QStringLiteral("screenshot")),
                           int(p.value(QStringLiteral("screenshot-after")).toDouble() * 1000));
    if (p.isSet(QStringLiteral("measure-ui")))
        startMeasurement(int(p.value(QStringLiteral("measure-ui")).toDouble() * 1000 / 2));
}

// A mouse drag through `points` ("x,y;x,y;..." in canvas pixels of the 28x28 grid), once the pad has a model.
void StudioMeasurement::drawStroke(const QString &points)
{
    QVector<QPointF> path;
    for (const QString &pair : points.split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
        const QStringList xy = pair.split(QLatin1Char(','));
        if (xy.size() == 2)
            path << QPointF(xy[0].toDouble(), xy[1].toDouble());
    }
    QTimer::singleShot(3000, m_window, [this, path] {
        DrawCanvas *canvas = m_window->findChild<DrawCanvas *>();
        if (!canvas || path.isEmpty())
            return;
        auto send = [canvas](QEvent::Type type, QPointF pixel, Qt::MouseButton button, Qt::MouseButtons buttons) {
            const QPointF at = canvas->toWidget(pixel);
            QMouseEvent e(type, at, canvas->mapToGlobal(at), button, buttons, Qt::NoModifier);
            QApplication::sendEvent(canvas, &e);
        };
        send(QEvent::MouseButtonPress, path.first(), Qt::LeftButton, Qt::LeftButton);
        for (int i = 1; i < path.size(); ++i)
            for (int step = 1; step <= 10; ++step)
                send(QEvent::MouseMove, path[i - 1] + (path[i] - path[i - 1]) * step / 10.0, Qt::NoButton,
                     Qt::LeftButton);
        send(QEvent::MouseButtonRelease, path.last(), Qt::LeftButton, Qt::NoButton);
    });
}

void StudioMeasurement::applyOptions(const QCommandLineParser &p)
{
    MainWindow *window = m_window;
    if (p.isSet(QStringLiteral("dataset")) || p.isSet(QStringLiteral("epochs"))) {
        TrainingConfig c = window->configPanel()->config();
        if (p.isSet(QStringLiteral("dataset")))
            c.dataset = p.value(QStringLiteral("dataset"));
        if (p.isSet(QStringLiteral("epochs")))
            c.epochs = std::max(1, p.value(QStringLiteral("epochs")).toInt());
        window->configPanel()->setConfig(c);
    }
    if (p.isSet(QStringLiteral("experiments"))) {
        window->showExperiments();
        window->experiments()->setOutputFolder(p.value(QStringLiteral("experiments")));
        window->experiments()->useSeedStudyPreset();
        QTimer::singleShot(0, window, [window] { window->experiments()->queue(); });
    }
    if (p.isSet(QStringLiteral("runs")))
        window->showRuns();
    if (p.isSet(QStringLiteral("open-sweep"))) {
        window->showExperiments();
        window->experiments()->openSweep(p.value(QStringLiteral("open-sweep")));
    }
    if (p.isSet(QStringLiteral("open-run"))) {
        const QString folder = p.value(QStringLiteral("open-run"));
        const int epoch = p.value(QStringLiteral("scrub-epoch")).toInt();
        const int probe = p.value(QStringLiteral("zoom-probe")).toInt();
        QTimer::singleShot(0, window, [window, folder, epoch, probe] {
            window->openRun(folder, [window, epoch, probe] {
                if (epoch > 0)
                    window->findChild<TimeScrubber *>()->showEpoch(epoch);
                if (probe > 0) // once the grids show the opened model
                    QTimer::singleShot(1500, window, [window, probe] { window->gridPanel()->zoomProbe(probe - 1, 2); });
            });
        });
    }
    if (p.isSet(QStringLiteral("draw")))
        drawStroke(p.value(QStringLiteral("draw")));
    try {
        if (p.isSet(QStringLiteral("mirror")) || p.isSet(QStringLiteral("checksums")))
            window->datasets()->setDownloadOverrides(
                p.values(QStringLiteral("mirror")),
                p.isSet(QStringLiteral("checksums"))
                    ? DatasetSources::readMd5SumsFile(p.value(QStringLiteral("checksums")))
                    : QMap<QString, QByteArray>{});
    } catch (const StudioError &e) {
        std::fprintf(stderr, "aestudio: %s\n", qPrintable(e.message()));
        QTimer::singleShot(0, [] { QApplication::exit(2); });
        return;
    }
    if (p.isSet(QStringLiteral("size"))) {
        const QStringList wh = p.value(QStringLiteral("size")).split(QLatin1Char('x'));
        if (wh.size() == 2 && wh[0].toInt() > 0 && wh[1].toInt() > 0)
            window->resize(wh[0].toInt(), wh[1].toInt());
    }
    if (p.isSet(QStringLiteral("tab"))) {
        const QString name = QStringLiteral("tab") + p.value(QStringLiteral("tab"));
        QTimer::singleShot(0, window, [window, name] {
            if (QAction *a = window->action(name))
                a->trigger();
        });
    }
    if (p.isSet(QStringLiteral("datasets")))
        QTimer::singleShot(0, window, [window] { window->datasets()->showManager(); });
    if (p.isSet(QStringLiteral("download"))) {
        const QString name = p.value(QStringLiteral("download"));
        const bool start = p.isSet(QStringLiteral("start"));
        QTimer::singleShot(0, window, [window, name, start] {
            DownloadDialog *dialog = window->datasets()->download(name);
            QObject::connect(dialog, &DownloadDialog::finished, window, [window, start](bool ok) {
                if (ok && start)
                    window->startRun(MainWindow::StartMode::Fresh);
            });
        });
        if (start)
            return; // started by the download's end
    }
    const bool measure = p.isSet(QStringLiteral("measure-ui"));
    if (measure && !p.isSet(QStringLiteral("epochs"))) {
        // Long enough to outlast the measurement; it ends by closing the window.
        TrainingConfig c = window->configPanel()->config();
        c.epochs = 1000;
        window->configPanel()->setConfig(c);
    }
    if (p.isSet(QStringLiteral("start")) || measure)
        QTimer::singleShot(0, window, [window] { window->startRun(MainWindow::StartMode::Fresh); });
}

void StudioMeasurement::scheduleScreenshot(const QString &file, int afterMs)
{
    QTimer::singleShot(afterMs, this, [this, file] {
        try {
            // An open dialog (the dataset manager, a download) is what the user looks at: grab it instead.
            QWidget *shown = m_window;
            for (QWidget *w : QApplication::topLevelWidgets())
                if (w != m_window && w->isVisible() && qobject_cast<QDialog *>(w))
                    shown = w;
            AtomicFile::writeImage(file, shown->grab().toImage());
            std::printf("screenshot written to %s\n", qPrintable(file));
        } catch (const std::exception &e) {
            std::fprintf(stderr, "%s\n", qPrintable(describeError(e)));
        }
        m_window->close();
    });
}

void StudioMeasurement::startMeasurement(int phaseMs)
{
    m_stalls = new StallMonitor(5, this);
    m_slider = new SliderLatencyProbe(m_window, this);
    // Once training runs (loading the dataset is not interactive) and its first epoch has warmed up:
    // studio vs headless throughput (5 pairs of 3 s windows, no probe timer running: the 5 ms stall timer
    // itself costs the GUI thread CPU, which on two cores comes out of training); then S/2 of event-loop
    // stalls while the studio only watches training; then S/2 of stalls and slider latency while the slider
    // moves every 300 ms.
    connect(m_window->session(), &TrainingSession::epochFinished, this, [this, phaseMs] {
        if (m_phase != Phase::Waiting)
            return;
        m_phase = Phase::Throughput;
        std::printf("measuring studio vs headless throughput (interleaved windows)...\n");
        std::fflush(stdout);
        m_throughput = new ThroughputComparison(m_window->session(), 5, 3000, this);
        connect(m_throughput, &ThroughputComparison::finished, this, [this, phaseMs] {
            m_phase = Phase::Watch;
            m_stalls->start();
            QTimer::singleShot(phaseMs, this, [this, phaseMs] {
                m_phase = Phase::Slider;
                m_watchStalls = m_stalls->latenessMs();
                auto *mover = new QTimer(this);
                connect(mover, &QTimer::timeout, m_slider, &SliderLatencyProbe::moveSlider);
                mover->start(300);
                QTimer::singleShot(phaseMs, this, &StudioMeasurement::finishMeasurement);
            });
        });
        m_throughput->start();
    });
}

void StudioMeasurement::finishMeasurement()
{
    m_stalls->stop();
    const auto &lateness = m_stalls->latenessMs();
    const auto &latency = m_slider->latenciesMs();
    const double samplesPerSecond = m_throughput->studioSamplesPerSecond();
    const double headless = m_throughput->headlessSamplesPerSecond();
    const double vsHeadless = headless > 0 ? 100.0 * samplesPerSecond / headless : 0.0;
    std::printf(
        "RESULT stall_p99_ms=%.1f stall_p99_watch_ms=%.1f stall_max_ms=%.1f stall_samples=%d slider_p95_ms=%.1f "
        "slider_p50_ms=%.1f slider_samples=%d studio_samples_per_s=%.0f headless_samples_per_s=%.0f "
        "studio_vs_headless_pct=%.1f\n",
        percentile(lateness, 99), percentile(m_watchStalls, 99), percentile(lateness, 100), int(lateness.size()),
        percentile(latency, 95), percentile(latency, 50), int(latency.size()), samplesPerSecond, headless, vsHeadless);
    std::fflush(stdout);
    m_window->close();
}

} // namespace aestudio
