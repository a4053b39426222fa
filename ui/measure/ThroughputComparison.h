// Studio vs headless training throughput, measured in one process on the real session (`aestudio --measure-ui`).
#pragma once

#include "DatasetCatalog.h"
#include "TrainingConfig.h"

#include <QObject>

#include <memory>

namespace aestudio {

class TrainingSession;

// Studio vs headless training throughput on a machine whose speed drifts by +-20% within a minute: alternates
// windows of the studio's own run (GUI live, no probe timers) with windows of the same configuration trained
// headless on this thread, as `aestudio-cli train` does (run folder written after each epoch), while the studio's
// run is paused. Each side counts optimizer steps between its first and last progress report inside a window, so
// report latency cancels; the ratio is of the sums over all windows.
class ThroughputComparison : public QObject {
    Q_OBJECT
public:
    ThroughputComparison(TrainingSession *session, int pairs, int windowMs, QObject *parent = nullptr);
    void start(); // once the studio's run is past its first (warm-up) epoch; emits finished() when done
    double studioSamplesPerSecond() const { return rate(m_studio); }
    double headlessSamplesPerSecond() const { return rate(m_headless); }

Q_SIGNALS:
    void finished();

private:
    struct Tally {
        double samples = 0, seconds = 0;
    };
    static double rate(const Tally &t) { return t.seconds > 0 ? t.samples / t.seconds : 0.0; }
    void studioWindow();
    void headlessWindow();

    TrainingSession *m_session;
    TrainingConfig m_config;
    std::shared_ptr<const DatasetSplit> m_data;
    int m_pairsLeft;
    int m_windowMs;
    bool m_counting = false;
    double m_latestSeconds = 0, m_windowStartSeconds = 0; // trainer time of the newest report, of a window's opening
    qint64 m_firstStep = -1, m_lastStep = -1;
    double m_firstSeconds = 0, m_lastSeconds = 0;
    Tally m_studio, m_headless;
};

} // namespace aestudio
