#include "StopSignals.h"

#include <cstdio>
#include <mutex>
#include <thread>

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

namespace aestudio {
namespace {

std::mutex g_mutex;
std::function<void(int)> g_handler;
int g_pending = 0; // signals delivered to the current handler

sigset_t stopSet()
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    return set;
}

void waitForSignals()
{
    const sigset_t set = stopSet();
    for (;;) {
        int signo = 0;
        if (sigwait(&set, &signo) != 0)
            continue;
        std::function<void(int)> handler;
        {
            std::lock_guard<std::mutex> lock(g_mutex);
            if (g_handler && ++g_pending == 1)
                handler = g_handler;
        }
        if (!handler) {
            std::fflush(stdout);
            ::_exit(128 + signo);
        }
        handler(signo);
    }
}

} // namespace

void StopSignals::install()
{
    static std::once_flag once;
    std::call_once(once, [] {
        const sigset_t set = stopSet();
        pthread_sigmask(SIG_BLOCK, &set, nullptr);
        std::thread(waitForSignals).detach();
    });
}

void StopSignals::setHandler(std::function<void(int)> handler)
{
    std::lock_guard<std::mutex> lock(g_mutex);
    g_handler = std::move(handler);
    g_pending = 0;
}

} // namespace aestudio
