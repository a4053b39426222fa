#include "Trainer.h"

#include "AutoEncoder.h"
#include "CheckpointIO.h"
#include "CounterRandom.h"
#include "Errors.h"
#include "InferenceModelImpl.h"
#include "FlatAdam.h"
#include "FusedStep.h"
#include "Kernels.h"
#include "NoiseModel.h"
#include "SystemInfo.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <thread>
#include <utility>

namespace aestudio {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kReportInterval = std::chrono::milliseconds(50);

double secondsSince(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

// Distinct, reproducible streams per purpose and epoch, so a resumed run draws what an uninterrupted one would.
std::uint64_t streamSeed(std::uint64_t seed, std::uint64_t purpose, int epoch)
{
    std::uint64_t x = seed * 0x9E3779B97F4A7C15ull + purpose * 0xBF58476D1CE4E5B9ull + std::uint64_t(epoch);
    x ^= x >> 31;
    x *= 0x94D049BB133111EBull;
    x ^= x >> 29;
    return x;
}

// A c10::Error's message without libtorch's backtrace.
QString torchMessage(const c10::Error &e)
{
    return QString::fromStdString(e.what_without_backtrace()).section(QLatin1Char('\n'), 0, 0);
}

enum Stream : std::uint64_t { kShuffle = 1, kTrainNoise = 2, kValNoise = 3, kDropout = 4 };

} // namespace

struct Trainer::Impl {
    TrainingConfig config;
    std::shared_ptr<const DatasetSplit> data;
    torch::Device device{torch::kCPU};
    AutoEncoder model{nullptr};
    std::unique_ptr<FlatAdam> optimizer;
    std::unique_ptr<FusedStep> fused; // the CPU fast path; CUDA uses autograd
    QVector<EpochMetrics> history;
    // The state at the end of the last finished epoch: what checkpoints hold and where a stopped run continues.
    std::vector<torch::Tensor> lastGood;
    FlatAdam::State lastGoodOptimizer;
    bool pastLastGood = false;       // the live weights moved on since (stopped mid-epoch)
    std::vector<torch::Tensor> best; // weights of the best validation epoch
    int bestEpoch = 0;
    double bestValLoss = std::numeric_limits<double>::infinity();
    QVector<ProbeSnapshot> snapshots; // every finished epoch's probe grids, for the time scrubber
    std::atomic<bool> poison{false};  // set through TrainerTestAccess: the next batch sees NaN weights
    bool makeBatchInStep = true;      // the fused step may make the batch itself (TrainerTestAccess turns it off)
    PhaseSeconds phases;

    // The steps of run(): one batch, one epoch of batches (false when stopped), validation, and the bookkeeping
    // after an epoch (true when patience says stop).
    struct Pass;
    // The fused CPU step gathers and corrupts each batch itself (Batch::prepare): clean or Gaussian noise only.
    bool batchMadeInStep() const { return fused && makeBatchInStep && NoiseModel::canAddInParts(config.noise); }
    float trainBatch(Pass &pass, const torch::Tensor &order, int epoch, int batch);
    bool trainEpoch(Pass &pass, int epoch, TrainingObserver &observer, RunControl &control, double &lossSum);
    EpochMetrics validateEpoch(const Pass &pass, int epoch);
    bool recordEpoch(const EpochMetrics &m, int &staleEpochs);
    ProbeSnapshot probeSnapshot(int epoch);

    CheckpointInfo info() const
    {
        CheckpointInfo i;
        i.config = config;
        i.epoch = history.size();
        i.history = history;
        i.bestEpoch = bestEpoch;
        i.bestValLoss = std::isfinite(bestValLoss) ? bestValLoss : 0.0;
        i.datasetName = data->name;
        i.optimizerSteps = lastGoodOptimizer.steps;
        i.snapshots = snapshots;
        return i;
    }

    void markEpochBoundary()
    {
        lastGood = parameterValues(model);
        lastGoodOptimizer = optimizer->state();
        pastLastGood = false;
    }

    void returnToEpochBoundary()
    {
        setParameterValues(model, lastGood);
        optimizer->setState(lastGoodOptimizer);
        pastLastGood = false;
    }
};

Trainer::Trainer(const TrainingConfig &config, std::shared_ptr<const DatasetSplit> data) : d(std::make_unique<Impl>())
{
    config.validate();
    if (!data || data->train.count() == 0 || data->validation.count() == 0)
        throw ConfigError(QStringLiteral("the dataset split is empty"));
    // A split made for other settings would train on other images than the recipe says.
    if (const QString why = data->mismatch(config); !why.isEmpty())
        throw ConfigError(why);
    d->config = config;
    d->data = std::move(data);
    d->device = torch::Device(SystemInfo::resolveDevice(config.device).toStdString());
    d->model = seededModel(config.model, config.seed);
    d->model->to(d->device);
    FlatAdam::Options adam;
    adam.lr = config.learningRate;
    adam.weightDecay = config.weightDecay;
    d->optimizer = std::make_unique<FlatAdam>(d->model->parameters(), adam);
    if (d->device.is_cpu())
        d->fused = std::make_unique<FusedStep>(d->model, config.model.dropout, *d->optimizer);
    d->markEpochBoundary();
}

Trainer::~Trainer() = default;

void Trainer::resumeFrom(const QString &checkpointPath)
{
    CheckpointInfo info;
    CheckpointTensors saved = loadCheckpoint(checkpointPath, &info);
    if (!info.config.model.sameArchitecture(d->config.model))
        throw CheckpointError(QStringLiteral("%1: holds a %2 model, but this run builds %3")
                                  .arg(checkpointPath, info.architecture, d->config.model.describe()));
    if (saved.best.empty())
        info.hasOptimizer = false; // no best weights to keep: not a training state either
    Checkpoint::requireResumable(info, checkpointPath);
    try {
        setParameterValues(d->model, saved.weights);
        d->optimizer->setState({saved.expAvg.to(d->device), saved.expAvgSq.to(d->device), info.optimizerSteps});
    } catch (const c10::Error &e) {
        throw CheckpointError(QStringLiteral("%1: does not fit this model (%2)").arg(checkpointPath, torchMessage(e)));
    }
    d->history = info.history;
    // None from a version 2 checkpoint (the scrubber starts at the resumed epochs); from a stranger's file only
    // the ones this trainer could have written: its probe count, epochs within the history.
    d->snapshots.clear();
    for (const ProbeSnapshot &snap : info.snapshots)
        if (snap.count == std::min(ProbeSnapshot::kProbes, d->data->validation.count()) && snap.isValid()
            && snap.epoch <= info.history.size())
            d->snapshots.append(snap);
    d->bestEpoch = info.bestEpoch;
    d->bestValLoss = info.bestEpoch > 0 ? info.bestValLoss : std::numeric_limits<double>::infinity();
    d->markEpochBoundary();
    d->best = std::move(saved.best); // the real best epoch's weights, not the resumed ones
}

namespace {

// A non-finite loss: the run stops and keeps the weights of the last finished epoch.
struct Diverged : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Bench-only phase timing: each lap adds the time since the previous one to one phase.
class PhaseClock {
public:
    explicit PhaseClock(Trainer::PhaseSeconds &into) : m_into(into) { }
    void start() { m_last = Clock::now(); }
    void lap(double Trainer::PhaseSeconds::*phase)
    {
        const auto now = Clock::now();
        m_into.*phase += std::chrono::duration<double>(now - m_last).count();
        m_last = now;
    }

private:
    Trainer::PhaseSeconds &m_into;
    Clock::time_point m_last;
};

} // namespace

// What one run() keeps between batches and epochs.
struct Trainer::Impl::Pass {
    Pass(const Impl &d, double &pausedTotal)
        : trainPixels(pixelView(d.data->train)), valPixels(pixelView(d.data->validation)),
          nTrain(d.data->train.count()), batches((nTrain + d.config.batchSize - 1) / d.config.batchSize),
          noiser(d.config.noise, 0), // reseeded every epoch
          step(qint64(d.history.size()) * batches), pausedSeconds(pausedTotal)
    {
    }
    torch::Tensor trainPixels, valPixels;
    torch::Tensor clean; // the batch, on the CPU
    int nTrain, batches;
    NoiseModel noiser;
    torch::Tensor noisy;
    qint64 step;
    double samplesDone = 0;
    Clock::time_point start = Clock::now();
    double &pausedSeconds; // since start, the run's own: excluded from every duration, rate and ETA, even on a throw
    double activeSeconds() const { return secondsSince(start) - pausedSeconds; }
};

float Trainer::Impl::trainBatch(Pass &pass, const torch::Tensor &order, int epoch, int b)
{
    const TrainingConfig &cfg = config;
    PhaseClock clock(phases);
    clock.start();
    const std::int64_t start = std::int64_t(b) * cfg.batchSize;
    const std::int64_t end = std::min<std::int64_t>(pass.nTrain, start + cfg.batchSize);
    const std::int64_t rows = end - start;
    torch::Tensor clean;
    std::function<void(std::int64_t, std::int64_t)> prepare;
    const bool inStep = batchMadeInStep();
    if (device.is_cpu()) {
        // The batch's rows gathered and scaled to [0,1] in one pass into a buffer kept between batches: the same
        // floats as index_select + to(float) + mul_(1/255), without three tensor ops and an allocation per batch.
        if (!pass.clean.defined() || pass.clean.size(0) != rows)
            pass.clean = torch::empty({rows, std::int64_t(kPixelsPerImage)});
        clean = pass.clean;
    } else {
        clean = toUnitFloat(pass.trainPixels.index_select(0, order.slice(0, start, end)), device);
    }
    if (cfg.noise.isClean())
        pass.noisy = clean; // clean inputs: the model reads the batch itself
    else if (!pass.noisy.defined() || pass.noisy.size(0) != rows || pass.noisy.is_same(clean))
        pass.noisy = torch::empty_like(clean);
    if (device.is_cpu()) {
        const std::uint8_t *pixels = pass.trainPixels.data_ptr<std::uint8_t>();
        const std::int64_t *picked = order.data_ptr<std::int64_t>() + start;
        float *cleanRows = pass.clean.data_ptr<float>();
        const auto gather = [=](std::int64_t rowBegin, std::int64_t rowEnd) {
            kernels::gatherScaledRows(pixels, picked + rowBegin, rowEnd - rowBegin, kPixelsPerImage, 1.0f / 255.0f,
                                      cleanRows + rowBegin * kPixelsPerImage);
        };
        if (inStep) {
            // The fused step makes the batch itself: each of its threads gathers its own rows and adds their
            // Gaussian noise, the same floats as the phases below.
            float *noisyRows = cfg.noise.isClean() ? nullptr : pass.noisy.data_ptr<float>();
            const std::uint64_t key = noisyRows ? pass.noiser.nextGaussianKey(rows * kPixelsPerImage) : 0;
            const float sigma = pass.noiser.gaussianSigma();
            const std::int64_t nextBatch = cfg.batchSize, remaining = pass.nTrain - end;
            prepare = [=](std::int64_t rowBegin, std::int64_t rowEnd) {
                gather(rowBegin, rowEnd);
                // The same positions of the next batch: their images on their way from memory while this step runs
                // (the training set is larger than the caches, and its rows are read in random order).
                if (rowBegin < remaining)
                    kernels::prefetchRows(pixels, picked + nextBatch + rowBegin, std::min(rowEnd, remaining) - rowBegin,
                                          kPixelsPerImage);
                if (noisyRows)
                    counterrandom::addGaussianClampedRange(cleanRows, noisyRows, sigma, key, rowBegin * kPixelsPerImage,
                                                           rowEnd * kPixelsPerImage);
            };
        } else {
            gather(0, rows);
        }
    }
    if (!inStep) {
        clock.lap(&PhaseSeconds::data);
        if (!cfg.noise.isClean())
            pass.noiser.applyInto(clean, pass.noisy);
        clock.lap(&PhaseSeconds::noise);
    }

    float lossValue = 0.0f;
    torch::Tensor loss;
    optimizer->setLearningRate(cfg.learningRateAt(pass.step, std::int64_t(cfg.epochs) * pass.batches));
    if (fused) {
        // Forward, backward and the Adam update in one pass (no update on a non-finite loss).
        lossValue = fused->train(pass.noisy, clean, streamSeed(cfg.seed, kDropout, int(pass.step)), std::move(prepare));
    } else {
        optimizer->zeroGrad();
        loss = torch::mse_loss(model->forward(pass.noisy), clean);
        lossValue = loss.item<float>();
    }
    if (!std::isfinite(lossValue))
        throw Diverged(QStringLiteral("training diverged: loss is %1 at epoch %2, batch %3; kept the weights from the "
                                      "end of epoch %4")
                           .arg(double(lossValue))
                           .arg(epoch)
                           .arg(b + 1)
                           .arg(epoch - 1)
                           .toStdString());
    if (loss.defined())
        loss.backward();
    clock.lap(&PhaseSeconds::forwardBackward);
    if (!fused)
        optimizer->step();
    clock.lap(&PhaseSeconds::optimizer);
    pass.samplesDone += double(end - start);
    ++pass.step;
    return lossValue;
}

bool Trainer::Impl::trainEpoch(Pass &pass, int epoch, TrainingObserver &observer, RunControl &control, double &lossSum)
{
    const TrainingConfig &cfg = config;
    model->train();
    // Seeds torch's dropout draws (the non-fused path); the fused CPU step hashes its own masks.
    seedGlobalGenerator(streamSeed(cfg.seed, kDropout, epoch));
    pass.noiser.reseed(streamSeed(cfg.seed, kTrainNoise, epoch));
    const std::vector<int> order = seededPermutation(pass.nTrain, streamSeed(cfg.seed, kShuffle, epoch));
    const torch::Tensor orderTensor = torch::tensor(std::vector<std::int64_t>(order.begin(), order.end()));
    auto lastReport = Clock::time_point{};
    QVector<float> stepLosses; // every step's loss since the last report, for per-step smoothing in the charts
    for (int b = 0; b < pass.batches; ++b) {
        if (control.paused()) {
            const auto pausedAt = Clock::now();
            control.waitWhilePaused();
            pass.pausedSeconds += secondsSince(pausedAt);
        }
        if (control.stopRequested()) {
            pastLastGood = b > 0;
            return false;
        }
        if (poison.exchange(false)) {
            torch::NoGradGuard noGrad;
            model->parameters().front().fill_(std::numeric_limits<float>::quiet_NaN());
        }
        const float loss = trainBatch(pass, orderTensor, epoch, b);
        stepLosses.append(loss);
        const std::int64_t end = std::min<std::int64_t>(pass.nTrain, std::int64_t(b + 1) * cfg.batchSize);
        lossSum += double(loss) * double(end - std::int64_t(b) * cfg.batchSize);
        const auto now = Clock::now();
        if (now - lastReport >= kReportInterval || b + 1 == pass.batches) {
            lastReport = now;
            BatchProgress p;
            p.epoch = epoch;
            p.epochs = cfg.epochs;
            p.batch = b + 1;
            p.batches = pass.batches;
            p.loss = loss;
            p.stepLosses = std::exchange(stepLosses, {});
            p.step = pass.step;
            p.elapsedSeconds = pass.activeSeconds();
            p.samplesPerSecond = p.elapsedSeconds > 0 ? pass.samplesDone / p.elapsedSeconds : 0.0;
            const double remaining = double(pass.nTrain) * (cfg.epochs - epoch) + double(pass.nTrain - end);
            p.etaSeconds = p.samplesPerSecond > 0 ? remaining / p.samplesPerSecond : 0.0;
            observer.batchProgress(p);
        }
    }
    return true;
}

EpochMetrics Trainer::Impl::validateEpoch(const Pass &pass, int epoch)
{
    const QualityMetrics val
        = evaluateSet(model, pass.valPixels, config.noise, streamSeed(config.seed, kValNoise, 0), device);
    if (!std::isfinite(val.mse))
        throw Diverged(QStringLiteral("training diverged: validation loss is %1 after epoch %2")
                           .arg(val.mse)
                           .arg(epoch)
                           .toStdString());
    EpochMetrics m;
    m.epoch = epoch;
    m.valLoss = val.mse;
    m.valPsnrDb = val.psnrMeanDb;
    m.valPsnrGlobalDb = val.psnrGlobalDb;
    m.noisyPsnrDb = val.noisyPsnrMeanDb;
    return m;
}

// The probe grids the studio shows, at the training noise, from the weights that just finished `epoch`.
ProbeSnapshot Trainer::Impl::probeSnapshot(int epoch)
{
    const bool wasTraining = model->is_training();
    model->eval();
    const InferenceModel view(std::make_unique<InferenceModel::Impl>(InferenceModel::Impl{model, device}));
    const Reconstruction r = view.reconstructProbes(data->validation, ProbeSnapshot::kProbes, config.noise);
    model->train(wasTraining);
    return ProbeSnapshot::of(r, epoch);
}

bool Trainer::Impl::recordEpoch(const EpochMetrics &m, int &staleEpochs)
{
    history.append(m);
    snapshots.append(probeSnapshot(m.epoch));
    if (snapshots.size() > ProbeSnapshot::kThinFrom) { // keep the newest, drop every second older one
        QVector<ProbeSnapshot> thinned;
        for (int i = 0; i < snapshots.size(); ++i)
            if (i % 2 == 0 || i == snapshots.size() - 1)
                thinned.append(snapshots[i]);
        snapshots = thinned;
    }
    markEpochBoundary();
    if (m.valLoss < bestValLoss) {
        bestValLoss = m.valLoss;
        bestEpoch = m.epoch;
        best = lastGood;
        staleEpochs = 0;
    } else {
        ++staleEpochs;
    }
    return config.patience > 0 && staleEpochs >= config.patience && m.epoch < config.epochs;
}

Trainer::Outcome Trainer::run(TrainingObserver &observer, RunControl &control)
{
    Outcome outcome;
    const auto runStart = Clock::now();
    double pausedSeconds = 0;
    try {
        // OpenMP thread counts are per calling thread, so this must run on the training thread itself.
        at::set_num_threads(SystemInfo::threadsFor(d->config.threads));
        if (d->pastLastGood) // stopped mid-epoch before: continue from the end of the last finished epoch
            d->returnToEpochBoundary();
        Impl::Pass pass(*d, pausedSeconds);
        int staleEpochs = 0;
        for (int epoch = d->history.size() + 1; epoch <= d->config.epochs; ++epoch) {
            const double epochStart = pass.activeSeconds(); // pauses excluded, so a paused epoch reads true
            double lossSum = 0;
            if (!d->trainEpoch(pass, epoch, observer, control, lossSum)) {
                outcome.summary.stopped = true;
                break;
            }
            const double trainSeconds = pass.activeSeconds() - epochStart;
            EpochMetrics m = d->validateEpoch(pass, epoch);
            m.trainLoss = lossSum / pass.nTrain;
            m.seconds = pass.activeSeconds() - epochStart;
            m.trainSeconds = trainSeconds;
            const bool earlyStop = d->recordEpoch(m, staleEpochs);
            observer.epochFinished(m);
            if (earlyStop) {
                outcome.summary.earlyStopped = true;
                break;
            }
        }
    } catch (const c10::Error &e) {
        outcome.failed = true;
        outcome.error = QStringLiteral("torch error: %1").arg(torchMessage(e));
    } catch (const std::exception &e) {
        outcome.failed = true;
        outcome.error = describeError(e);
    }
    if (outcome.failed)
        d->returnToEpochBoundary();
    TrainingSummary &summary = outcome.summary;
    summary.epochsCompleted = d->history.size();
    summary.bestEpoch = d->bestEpoch;
    summary.bestValLoss = std::isfinite(d->bestValLoss) ? d->bestValLoss : 0.0;
    summary.seconds = secondsSince(runStart) - pausedSeconds;
    if (!outcome.failed)
        observer.trainingFinished(summary);
    return outcome;
}

void Trainer::saveCheckpoint(const QString &path) const
{
    // Always the state at the end of the last finished epoch, so a resume never replays part of an epoch on top.
    CheckpointTensors t;
    t.weights = d->lastGood;
    t.expAvg = d->lastGoodOptimizer.expAvg;
    t.expAvgSq = d->lastGoodOptimizer.expAvgSq;
    t.best = d->best.empty() ? d->lastGood : d->best;
    aestudio::saveCheckpoint(path, d->info(), t);
}

void Trainer::saveBestCheckpoint(const QString &path) const
{
    CheckpointInfo info = d->info();
    info.epoch = d->bestEpoch;
    // The best epoch's file holds the history up to it: later snapshots would name epochs it does not have.
    info.snapshots.erase(std::remove_if(info.snapshots.begin(), info.snapshots.end(),
                                        [&](const ProbeSnapshot &s) { return s.epoch > info.epoch; }),
                         info.snapshots.end());
    CheckpointTensors t;
    t.weights = d->best.empty() ? d->lastGood : d->best;
    aestudio::saveCheckpoint(path, info, t);
}

std::shared_ptr<const InferenceModel> Trainer::bestSnapshot() const
{
    AutoEncoder copy = cloneModel(d->model, torch::kCPU);
    if (!d->best.empty())
        setParameterValues(copy, d->best);
    copy->eval();
    return std::make_shared<const InferenceModel>(
        std::make_unique<InferenceModel::Impl>(InferenceModel::Impl{copy, torch::kCPU}));
}

std::shared_ptr<const InferenceModel> Trainer::snapshot() const
{
    AutoEncoder copy = cloneModel(d->model, torch::kCPU);
    copy->eval();
    return std::make_shared<const InferenceModel>(
        std::make_unique<InferenceModel::Impl>(InferenceModel::Impl{copy, torch::kCPU}));
}

const TrainingConfig &Trainer::config() const
{
    return d->config;
}
const DatasetSplit &Trainer::data() const
{
    return *d->data;
}
const QVector<EpochMetrics> &Trainer::history() const
{
    return d->history;
}
const QVector<ProbeSnapshot> &Trainer::probeSnapshots() const
{
    return d->snapshots;
}
int Trainer::completedEpochs() const
{
    return d->history.size();
}
QString Trainer::deviceName() const
{
    return QString::fromStdString(d->device.str());
}
std::int64_t Trainer::parameterCount() const
{
    return aestudio::parameterCount(d->model);
}
void TrainerTestAccess::poisonWeights(Trainer &trainer)
{
    trainer.d->poison = true;
}
void TrainerTestAccess::makeBatchesBeforeTheStep(Trainer &trainer)
{
    trainer.d->makeBatchInStep = false;
}

Trainer::PhaseSeconds Trainer::phaseSeconds() const
{
    PhaseSeconds p = d->phases;
    p.optimizerFused = d->fused != nullptr;
    p.batchInStep = d->batchMadeInStep();
    double train = 0;
    for (const EpochMetrics &m : d->history)
        train += m.trainSeconds;
    p.other = std::max(0.0, train - p.data - p.noise - p.forwardBackward - p.optimizer);
    return p;
}

} // namespace aestudio
