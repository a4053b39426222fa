#include "TrainingRun.h"

#include "Errors.h"
#include "RunRecord.h"

#include <functional>

namespace aestudio {
namespace {

// Writes the folder after each epoch, then lets the caller's observer hear about it.
class FolderWriter : public TrainingObserver {
public:
    FolderWriter(TrainingObserver &inner, const std::function<void()> &write) : m_inner(inner), m_write(write) { }
    void batchProgress(const BatchProgress &p) override { m_inner.batchProgress(p); }
    void epochFinished(const EpochMetrics &m) override
    {
        m_write();
        m_inner.epochFinished(m);
    }
    void trainingFinished(const TrainingSummary &s) override { m_inner.trainingFinished(s); }

private:
    TrainingObserver &m_inner;
    std::function<void()> m_write;
};

} // namespace

TrainingRun::TrainingRun(const TrainingConfig &config, const RunDirectory &folder)
    : TrainingRun(config, folder, Options{})
{
}

TrainingRun::TrainingRun(const TrainingConfig &config, const RunDirectory &folder, const Options &options)
    : m_folder(folder), m_data(options.data)
{
    config.validate();
    if (!m_data)
        m_data = std::make_shared<const DatasetSplit>(DatasetCatalog::load(config));
    m_trainer = std::make_unique<Trainer>(config, m_data);
    if (!options.resumeFrom.isEmpty()) {
        m_trainer->resumeFrom(options.resumeFrom);
        // Continued in its own folder, a run keeps the time it first started (read as the Runs page reads it:
        // run.json through the small-regular-file reader, which a stranger's FIFO or huge file cannot stall).
        if (const QDateTime first = RunRecord::read(m_folder.path()).started; first.isValid() && first < m_started)
            m_started = first;
    }
    m_folder.writeRecipe(*m_trainer);
}

void TrainingRun::writeAll()
{
    m_folder.writeProgress(*m_trainer);
    m_folder.writeGrid(*m_trainer);
    m_writtenAt = m_trainer->completedEpochs(); // only once every file is written
}

Trainer::Outcome TrainingRun::run(TrainingObserver &observer, RunControl &control)
{
    m_folder.writeStatus(QStringLiteral("running"), m_started);
    Trainer::Outcome outcome;
    try {
        FolderWriter writer(observer, [this] { writeAll(); });
        outcome = m_trainer->run(writer, control);
        // However the run ended, the folder holds the last good weights and the metrics so far; after the last
        // epoch's own write that is already true, unless a stop moved the weights the grid shows.
        if (m_writtenAt != m_trainer->completedEpochs() || outcome.summary.stopped)
            writeAll();
    } catch (const std::exception &e) {
        try {
            m_folder.writeStatus(QStringLiteral("failed"), m_started, describeError(e));
        } catch (const StudioError &) {
            // the disk that refused the run's files may refuse this one too; the first error is the one to report
        }
        throw;
    }
    const QString state = outcome.failed ? QStringLiteral("failed")
        : outcome.summary.stopped        ? QStringLiteral("stopped")
                                         : QStringLiteral("finished");
    m_folder.writeStatus(state, m_started, outcome.error);
    return outcome;
}

} // namespace aestudio
