#include "JobLayout.h"

#include "Errors.h"
#include "Trainer.h"

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

namespace aestudio {
namespace {

constexpr int kSteps = 120;      // training steps per timed epoch
constexpr double kMargin = 1.03; // one run per thread must beat one run by this much

class Silent : public TrainingObserver { };

// Trains `config` on `data` for two epochs; returns the images it trained on.
double trainBriefly(TrainingConfig config, const std::shared_ptr<const DatasetSplit> &data, int threads,
                    RunControl &control)
{
    config.epochs = 2;
    config.threads = threads;
    config.patience = 0;
    Trainer trainer(config, data);
    Silent silent;
    const Trainer::Outcome outcome = trainer.run(silent, control);
    if (outcome.failed)
        throw TrainingError(outcome.error);
    return double(trainer.history().size()) * data->train.count();
}

// `jobs` runs at once with `threadsPerJob` each: the images all of them trained on per second of wall-clock time,
// from before the first starts until the last ends. Per-epoch rates would flatter this layout: each run's best
// epoch may fall where the other run was between epochs.
double timeLayout(const TrainingConfig &config, const std::shared_ptr<const DatasetSplit> &data, int jobs,
                  int threadsPerJob, RunControl &control)
{
    std::vector<double> images(std::size_t(jobs), 0.0);
    std::vector<std::exception_ptr> errors(static_cast<std::size_t>(jobs));
    std::vector<std::thread> pool;
    const auto start = std::chrono::steady_clock::now();
    for (int j = 0; j < jobs; ++j)
        pool.emplace_back([&, j] {
            try {
                images[std::size_t(j)] = trainBriefly(config, data, threadsPerJob, control);
            } catch (...) {
                errors[std::size_t(j)] = std::current_exception();
            }
        });
    for (auto &t : pool)
        t.join();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (const auto &e : errors)
        if (e)
            std::rethrow_exception(e);
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
    if (measured)
        text += QStringLiteral(" (measured on the first run: 1 run with all threads %1 samples/s, one run per thread "
                               "%2 samples/s in all)")
                    .arg(oneJobSamplesPerSecond, 0, 'f', 0)
                    .arg(manyJobsSamplesPerSecond, 0, 'f', 0);
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
    for (int round = 0; round < 2 && !control.stopRequested(); ++round) {
        layout.oneJobSamplesPerSecond += timeLayout(config, sample, 1, threads, control) / 2;
        layout.manyJobsSamplesPerSecond += timeLayout(config, sample, perThread, threads / perThread, control) / 2;
    }
    layout.measured = true;
    if (layout.manyJobsSamplesPerSecond > kMargin * layout.oneJobSamplesPerSecond) {
        layout.jobs = perThread;
        layout.threadsPerJob = threads / perThread;
    } else {
        layout.jobs = 1;
        layout.threadsPerJob = threads;
    }
    return layout;
}

} // namespace aestudio
