// Prints training progress for a terminal: a live line (epoch, batch, loss, samples/s, ETA) on stderr and one summary
// line per epoch on stdout. When stderr is not a terminal the live line becomes an occasional plain line.
#pragma once

#include "TrainingTypes.h"

#include <chrono>

namespace aestudio::cli {

class ConsoleProgress : public TrainingObserver {
public:
    ConsoleProgress();
    void batchProgress(const BatchProgress &p) override;
    void epochFinished(const EpochMetrics &m) override;
    void trainingFinished(const TrainingSummary &s) override;
    ~ConsoleProgress() override; // ends an open live line, so an error printed next starts on its own line

private:
    void clearLine();
    bool m_tty = false;
    bool m_lineOpen = false;
    std::chrono::steady_clock::time_point m_lastPlain{};
};

} // namespace aestudio::cli
