// The one way ui/ runs work off the GUI thread (after hotspot's JobTracker): each start() gets a job id; the work
// runs on Qt's thread pool and may poll `stale()` to give up early; its result (or its error, as one line) is handed
// back on the owner's thread through a queued call, and only if no newer job was started meanwhile and the owner
// still exists. Starting a job therefore supersedes the previous one: newest wins, stale results are dropped.
#pragma once

#include "Errors.h"

#include <QMetaObject>
#include <QMutex>
#include <QObject>
#include <QThreadPool>

#include <atomic>
#include <functional>
#include <memory>

namespace aestudio {

class BackgroundJob {
public:
    explicit BackgroundJob(QObject *owner) : m_state(std::make_shared<State>()) { m_state->owner = owner; }
    ~BackgroundJob()
    {
        QMutexLocker lock(&m_state->mutex);
        m_state->owner = nullptr; // work still running finds no one to hand its result to
        ++m_state->latest;
    }
    BackgroundJob(const BackgroundJob &) = delete;
    BackgroundJob &operator=(const BackgroundJob &) = delete;

    // work(stale) -> Result runs on the pool; done(Result) and failed(QString) run on the owner's thread.
    template <typename Work, typename Done>
    void start(Work work, Done done, std::function<void(const QString &)> failed = {})
    {
        const quint64 id = ++m_state->latest;
        std::shared_ptr<State> state = m_state;
        QThreadPool::globalInstance()->start(
            [state, id, work = std::move(work), done = std::move(done), failed = std::move(failed)]() mutable {
                const std::function<bool()> stale = [state, id] { return state->latest.load() != id; };
                try {
                    if (!stale()) {
                        auto result = work(stale);
                        deliver(state, id,
                                [done = std::move(done), result = std::move(result)]() mutable { done(result); });
                    }
                } catch (const std::exception &e) {
                    if (failed)
                        deliver(state, id, [failed, message = describeError(e)] { failed(message); });
                }
            });
    }
    void cancel() { ++m_state->latest; } // the current job's result, if any, is dropped

private:
    struct State {
        std::atomic<quint64> latest{0};
        QMutex mutex;
        QObject *owner = nullptr;
    };
    template <typename F> static void deliver(const std::shared_ptr<State> &state, quint64 id, F &&f)
    {
        QMutexLocker lock(&state->mutex);
        if (!state->owner || state->latest.load() != id)
            return;
        // Checked again on arrival: a job started between now and then supersedes this one.
        QMetaObject::invokeMethod(
            state->owner,
            [state, id, f = std::forward<F>(f)]() mutable {
                if (state->latest.load() == id)
                    f();
            },
            Qt::QueuedConnection);
    }
    std::shared_ptr<State> m_state;
};

} // namespace aestudio
