// The GUI-side owner of a running sweep, beside TrainingSession: runs core's Sweep on its own QThread, turns the
// sweep observer's callbacks (made from several worker threads at once) into queued signals of plain data, writes
// results.csv and table.md at the end, and on destruction stops the sweep within one batch and joins the thread.
#pragma once

#include "Sweep.h"
#include "StudioTypes.h"

#include <QObject>
#include <QPointer>
#include <QThread>

#include <memory>

namespace aestudio {

class SweepSession : public QObject {
    Q_OBJECT
public:
    explicit SweepSession(QObject *parent = nullptr);
    ~SweepSession() override;

    void start(const SweepSpec &spec, const QString &folder);
    void stop();
    bool running() const { return !m_thread.isNull(); }

Q_SIGNALS:
    void layoutChosen(const QString &description); // how many runs at once, and why; before the first run starts
    void runStarted(int index, const QString &name, int epochs);
    void runEpoch(int index, const aestudio::EpochMetrics &metrics);
    void runFinished(int index, const aestudio::SweepResult &result);
    void failed(const QString &message);
    void finished(bool stopped); // always the last signal of a sweep, after failed when it failed

private:
    std::shared_ptr<RunControl> m_control;
    QPointer<QThread> m_thread;
};

} // namespace aestudio
