// How a sweep spends its threads: one run at a time with all of them, or one run per thread. One run with two
// threads pays the step's barrier and splits small GEMMs in two; two one-thread runs have no barrier at all but
// stream two models' optimizer state through memory at once. Which wins depends on the model and the machine, so
// a sweep asked to choose measures both on its own first run before it starts.
#pragma once

#include "DatasetCatalog.h"
#include "TrainingConfig.h"
#include "TrainingTypes.h"

#include <QString>

#include <memory>

namespace aestudio {

struct JobLayout {
    int jobs = 1, threadsPerJob = 1;
    bool measured = false;
    QString unmeasuredWhy; // when choosing was asked for but the timing could not be done (stopped, failed)
    double oneJobSamplesPerSecond = 0, manyJobsSamplesPerSecond = 0; // summed over the jobs running at once

    // "2 runs at once, 1 thread each (measured: ...)", for the user.
    QString describe() const;

    // The layout for `jobs` runs at once (0 = choose) out of `threads` in total, for `pending` runs to do. To
    // choose, trains `config` both ways for 2 epochs of 120 steps on a slice of `data`, twice, alternating (no files
    // are written), and compares images trained per second of wall-clock time; one run per thread must be at
    // least 3% faster to be chosen.
    static JobLayout choose(int jobs, int threads, int pending, const TrainingConfig &config,
                            const std::shared_ptr<const DatasetSplit> &data, RunControl &control);
};

} // namespace aestudio
