#include "JobLayout.h"

#include "Errors.h"
#include "Trainer.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace aestudio {
namespace {

constexpr int kSteps = 120;      // training steps per timed epoch
constexpr double kMargin = 1.03; // one run per thread must beat one run by this much

// `jobs` runs of `config` at once with `threadsPerJob` each, two epochs on `data`: the images all of them trained
// on per second of wall-clock time, from the moment every run is built (model construction is serialised, see
// seededModel, and is not what is being compared) until the last one ends. Per-epoch rates would flatter this
// layout: each run's best epoch may fall where the other run was between epochs.
double timeLayout(TrainingConfig config, const std::shared_ptr<const DatasetSplit> &data, int jobs, int threadsPerJob,
                  RunControl &control)
{
    config.epochs = 2;
    config.threads = threadsPerJob;
    config.patience = 0;
    using Clock = std::chrono::steady_clock;
    std::vector<double> images(std::size_t(jobs), 0.0);
    std::vector<Clock::time_point> ends(static_cast<std::size_t>(jobs));
    std::vector<std::exception_ptr> errors(static_cast<std::size_t>(jobs));
    std::atomic<int> built{0};
    std::atomic<bool> failed{false};
    Clock::time_point start;
    std::vector<std::thread> pool;
    for (int j = 0; j < jobs; ++j)
        pool.emplace_back([&, j] {
            try {
                std::unique_ptr<Trainer> trainer;
                try {
                    trainer = std::make_unique<Trainer>(config, data);
                } catch (...) {
                    failed = true;
                    ++built;
                    throw;
                }
                if (++built == jobs)
                    start = Clock::now(); // the last one built starts the clock; the others wait for it
                while (built.load() < jobs)
                    std::this_thread::yield();
                if (failed)
                    return;
                TrainingObserver silent; // every report is a no-op by default
                const Trainer::Outcome outcome = trainer->run(silent, control);
                if (outcome.failed)
                    throw TrainingError(outcome.error);
                images[std::size_t(j)] = double(trainer->history().size()) * data->train.count();
            } catch (...) {
                errors[std::size_t(j)] = std::current_exception();
            }
            ends[std::size_t(j)] = Clock::now();
        });
    for (auto &t : pool)
        t.join();
    for (const auto &e : errors)
        if (e)
            std::rethrow_exception(e);
    const double seconds = std::chrono::duration<double>(*std::max_element(ends.begin(), ends.end()) - start).count();
    double sum = 0;
    for (const double n : images)
        sum += n;
    return seconds > 0 ? sum / seconds : 0.0;
}

} // namespace

QString JobLayout::describe() const
{
    const QString threads
        = threadsPerJob == 1 ? QStringLiteral("1 thread") : QStringLiteral("%1 threads").arg(threadsPerJob);
    QString text = jobs == 1 ? QStringLiteral("1 run at a time, %1").arg(threads)
                             : QStringLiteral("%1 runs at once, %2 each").arg(jobs).arg(threads);
    if (!unmeasuredWhy.isEmpty())
        text += QStringLiteral(" (%1)").arg(unmeasuredWhy);
    if (measured)
        text += QStringLiteral(" (measured on 2 x %3 steps of the longest run: 1 run with all threads %1 samples/s, "
                               "one run per thread "
                               "%2 samples/s in all)")
                    .arg(oneJobSamplesPerSecond, 0, 'f', 0)
                    .arg(manyJobsSamplesPerSecond, 0, 'f', 0)
                    .arg(kSteps);
    return text;
}

JobLayout JobLayout::choose(int jobs, int threads, int pending, const TrainingConfig &config,
                            const std::shared_ptr<const DatasetSplit> &data, RunControl &control)
{
    JobLayout layout;
    if (jobs > 0 || threads < 2 || pending < 2 || !data) {
        layout.jobs = std::clamp(jobs, 1, std::max(1, pending));
        layout.threadsPerJob = std::max(1, threads / layout.jobs);
        return layout;
    }
    // A slice of the data: enough images for kSteps batches, and a small validation set (not timed). The split's
    // description stays the one the config asks for, so the trainer accepts it; nothing of it is kept.
    auto slice = std::make_shared<DatasetSplit>(*data);
    slice->train = data->train.first(kSteps * config.batchSize);
    slice->validation = data->validation.first(256);
    slice->test = {};
    const std::shared_ptr<const DatasetSplit> sample = slice;
    const int perThread = std::min(threads, pending);
    layout.jobs = 1;
    layout.threadsPerJob = threads;
    try {
        for (int round = 0; round < 2 && !control.stopRequested(); ++round) {
            layout.oneJobSamplesPerSecond += timeLayout(config, sample, 1, threads, control) / 2;
            layout.manyJobsSamplesPerSecond += timeLayout(config, sample, perThread, threads / perThread, control) / 2;
        }
    } catch (const std::exception &e) {
        // The sweep's own run of this model will fail the same way, with its name on the message; until then,
        // the safe layout.
        layout.unmeasuredWhy = QStringLiteral("could not time the layouts: %1").arg(describeError(e));
        return layout;
    }
    if (control.stopRequested()) {
        layout.unmeasuredWhy = QStringLiteral("stopped while timing the layouts");
        return layout;
    }
    layout.measured = true;
    if (layout.manyJobsSamplesPerSecond > kMargin * layout.oneJobSamplesPerSecond) {
        layout.jobs = perThread;
        layout.threadsPerJob = threads / perThread;
    }
    return layout;
}

} // namespace aestudio
