// Ctrl+C, SIGTERM and SIGHUP without a signal handler. A handler runs on whatever thread the kernel picks, and
// Debian's oneDNN 2.6.3 JIT SGEMM points the stack pointer into the heap while it runs (oneDNN issue #4845), so a
// handler frame landing on a training thread mid-kernel corrupts the heap. Instead the signals are blocked in every
// thread and received by one dedicated thread with sigwait(); that thread only calls the handler set here.
#pragma once

#include <functional>

namespace aestudio::StopSignals {

// Call first in main(), before any thread starts: blocks SIGINT, SIGTERM and SIGHUP in the calling thread (so in
// every thread started later) and starts the thread that waits for them. Without a handler a signal ends the process
// at once with exit code 128 + signal number.
void install();

// `handler(signo)` runs on the signal thread for the first signal; a second signal while a handler is set ends the
// process with 128 + signal number (the user insists). An empty handler restores the default.
void setHandler(std::function<void(int)> handler);

// While alive, the signals call `onSignal` (for example RunControl::requestStop).
class Scope {
public:
    explicit Scope(std::function<void(int)> onSignal) { setHandler(std::move(onSignal)); }
    ~Scope() { setHandler({}); }
    Scope(const Scope &) = delete;
    Scope &operator=(const Scope &) = delete;
};

} // namespace aestudio::StopSignals
