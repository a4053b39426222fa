// Prints training progress for a terminal: a live line (epoch, batch, loss, samples/s, ETA) on stderr and one summary
// line per epoch on stdout. When stderr is not a terminal the live line becomes an occasional plain line.
#pragma once

#include "TrainingTypes.h"

#include <chrono>

namespace aestudio::cli {

// One live line on stderr: redrawn in place on a terminal, an occasional plain line (every 5 s) otherwise.
class LiveLine {
public:
    LiveLine();
    ~LiveLine() { clear(); } // an error printed next starts on its own line
    void show(const QString &text);
    void note(const QString &text); // a line of its own, above the live one
    void clear();

private:
    bool m_tty;
    bool m_open = false;
    std::chrono::steady_clock::time_point m_lastPlain{};
};

class ConsoleProgress : public TrainingObserver {
public:
    void batchProgress(const BatchProgress &p) override;
    void epochFinished(const EpochMetrics &m) override;
    void trainingFinished(const TrainingSummary &s) override;

private:
    LiveLine m_line;
};

} // namespace aestudio::cli
