// The trainer on a tiny synthetic dataset: it learns, obeys stop and pause, fails cleanly on NaN, is reproducible,
// and its checkpoints round-trip, resume, and reject corrupt or foreign files.
#include "Checkpoint.h"
#include "Errors.h"
#include "InferenceModel.h"
#include "TinyIdx.h"
#include "Trainer.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <thread>

using namespace aestudio;
using namespace aestudio::testing;

namespace {

struct Recorder : TrainingObserver {
    QVector<BatchProgress> batches;
    QVector<EpochMetrics> epochs;
    int finished = 0;
    std::function<void(const BatchProgress &)> onBatch;
    void batchProgress(const BatchProgress &p) override
    {
        batches << p;
        if (onBatch)
            onBatch(p);
    }
    void epochFinished(const EpochMetrics &m) override { epochs << m; }
    void trainingFinished(const TrainingSummary &) override { ++finished; }
};

} // namespace

class TestTrainer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void lossFallsWithNoise();
    void stopLandsWithinOneBatch();
    void pauseHoldsAndResumes();
    void pausedTimeIsInNoDurationOrRate();
    void nanStopsTheRunAndKeepsLastGoodWeights();
    void sameSeedSameNumbers();
    void anyThreadCountMakesTheSameBatches_data();
    void anyThreadCountMakesTheSameBatches();
    void batchesMadeInTheStepEqualTheOldPhases_data();
    void batchesMadeInTheStepEqualTheOldPhases();
    void earlyStoppingUsesPatience();
    void checkpointRoundTripGivesIdenticalOutputs();
    void resumeContinuesTheEpochCount();
    void stopMidEpochThenResumeIsBitIdentical();
    void resumeKeepsTheRealBestWeights();
    void splitMustMatchTheConfig();
    void foreignArchitectureIsRejected();

private:
    TrainingConfig config(int epochs) const;
    QTemporaryDir m_dir;
    std::shared_ptr<const DatasetSplit> m_data;
};

void TestTrainer::initTestCase()
{
    writeDataset(m_dir.filePath(QStringLiteral("data")), 600, 64, true);
    m_data = std::make_shared<const DatasetSplit>(
        DatasetCatalog::load(m_dir.filePath(QStringLiteral("data")), SplitOptions{1.0 / 6.0, 0, 0}));
}

TrainingConfig TestTrainer::config(int epochs) const
{
    TrainingConfig c;
    c.dataset = m_dir.filePath(QStringLiteral("data"));
    c.model.latent = 15;
    c.model.dropout = 0.1;
    c.noise = {NoiseType::Gaussian, 0.3};
    c.epochs = epochs;
    c.batchSize = 32;
    c.threads = 2;
    c.device = QStringLiteral("cpu");
    return c;
}

void TestTrainer::lossFallsWithNoise()
{
    TrainingConfig c = config(10);
    c.batchSize = 16;
    Trainer trainer(c, m_data);
    Recorder rec;
    RunControl control;
    const Trainer::Outcome out = trainer.run(rec, control);
    QVERIFY2(!out.failed, qPrintable(out.error));
    QCOMPARE(rec.epochs.size(), 10);
    QCOMPARE(rec.finished, 1);
    QVERIFY(!rec.batches.isEmpty());
    const double first = rec.batches.first().loss;
    const double last = rec.epochs.last().trainLoss;
    // At least 30% lower within a few epochs (the third), and lower still by the end.
    QVERIFY2(rec.epochs[2].trainLoss < 0.7 * first, qPrintable(QString::number(rec.epochs[2].trainLoss)));
    QVERIFY2(last < 0.7 * first, qPrintable(QStringLiteral("first batch %1, last epoch %2").arg(first).arg(last)));
    QVERIFY(rec.epochs.last().valLoss < rec.epochs.first().valLoss);
    // The model denoises: its reconstruction beats the noisy input it was given.
    for (const EpochMetrics &m : rec.epochs)
        qInfo("epoch %d train %.5f val %.5f psnr %.2f noisy %.2f", m.epoch, m.trainLoss, m.valLoss, m.valPsnrDb,
              m.noisyPsnrDb);
    QVERIFY(rec.epochs.last().valPsnrDb > rec.epochs.last().noisyPsnrDb);
    QCOMPARE(out.summary.epochsCompleted, 10);
    QVERIFY(out.summary.bestEpoch >= 1);
}

void TestTrainer::stopLandsWithinOneBatch()
{
    TrainingConfig c = config(3);
    c.batchSize = 8; // 63 batches per epoch
    Trainer trainer(c, m_data);
    Recorder rec;
    RunControl control;
    int stoppedAt = -1;
    rec.onBatch = [&](const BatchProgress &p) {
        if (stoppedAt < 0) {
            stoppedAt = p.batch;
            control.requestStop();
        }
    };
    const Trainer::Outcome out = trainer.run(rec, control);
    QVERIFY(out.summary.stopped);
    QCOMPARE(stoppedAt, 1);
    QCOMPARE(rec.batches.size(), 1); // no further batch ran after the stop
    QCOMPARE(rec.epochs.size(), 0);
    QCOMPARE(rec.finished, 1);
}

void TestTrainer::pauseHoldsAndResumes()
{
    Trainer trainer(config(1), m_data);
    Recorder rec;
    RunControl control;
    control.setPaused(true);
    std::thread worker([&] { trainer.run(rec, control); });
    QTest::qWait(300);
    QCOMPARE(rec.batches.size(), 0); // paused before the first batch
    control.setPaused(false);
    worker.join();
    QCOMPARE(rec.epochs.size(), 1);
}

void TestTrainer::pausedTimeIsInNoDurationOrRate()
{
    // Paused for 1.5 s at the first report of epoch 1: the epoch's seconds, the run's seconds and the reported
    // elapsed time (which the rate and ETA come from) all leave the pause out.
    Trainer trainer(config(2), m_data);
    Recorder rec;
    RunControl control;
    std::thread resumer;
    rec.onBatch = [&](const BatchProgress &p) {
        if (p.epoch == 1 && !resumer.joinable()) {
            control.setPaused(true);
            resumer = std::thread([&] {
                std::this_thread::sleep_for(std::chrono::milliseconds(1500));
                control.setPaused(false);
            });
        }
    };
    QElapsedTimer wall;
    wall.start();
    const Trainer::Outcome outcome = trainer.run(rec, control);
    resumer.join();
    QVERIFY(wall.elapsed() >= 1500);
    QCOMPARE(rec.epochs.size(), 2);
    // An unpaused epoch of this data takes well under a second here; with the pause it would be over 1.5 s.
    QVERIFY2(rec.epochs[0].seconds < rec.epochs[1].seconds + 0.75, qPrintable(QString::number(rec.epochs[0].seconds)));
    QVERIFY2(rec.epochs[0].seconds < 1.2, qPrintable(QString::number(rec.epochs[0].seconds)));
    QVERIFY(outcome.summary.seconds < wall.elapsed() / 1000.0 - 1.2);
    for (const BatchProgress &p : std::as_const(rec.batches))
        QVERIFY2(p.elapsedSeconds < wall.elapsed() / 1000.0 - 1.2 || p.epoch == 1,
                 qPrintable(QString::number(p.elapsedSeconds)));
    // Every step's loss reaches the observer exactly once, in order.
    qint64 steps = 0;
    for (const BatchProgress &p : std::as_const(rec.batches)) {
        QVERIFY(!p.stepLosses.isEmpty());
        QCOMPARE(double(p.stepLosses.last()), p.loss);
        steps += p.stepLosses.size();
    }
    QCOMPARE(steps, qint64(2) * rec.batches.last().batches);
}

void TestTrainer::nanStopsTheRunAndKeepsLastGoodWeights()
{
    Trainer trainer(config(3), m_data);
    Recorder rec;
    RunControl control;
    rec.onBatch = [&](const BatchProgress &p) {
        if (p.epoch == 2 && p.batch >= 1)
            TrainerTestAccess::poisonWeights(trainer);
    };
    const Trainer::Outcome out = trainer.run(rec, control);
    QVERIFY(out.failed);
    QVERIFY2(out.error.contains(QStringLiteral("nan"), Qt::CaseInsensitive), qPrintable(out.error));
    QCOMPARE(rec.epochs.size(), 1);
    QCOMPARE(rec.finished, 0);
    // The weights are those from the end of epoch 1: finite, and they reproduce epoch 1's validation loss.
    const QualityMetrics m = trainer.snapshot()->evaluate(m_data->validation, NoiseSpec{}, 0);
    QVERIFY(std::isfinite(m.mse));
    const auto path = m_dir.filePath(QStringLiteral("after-nan.aes"));
    trainer.saveCheckpoint(path);
    QCOMPARE(Checkpoint::readInfo(path).epoch, 1);
}

void TestTrainer::sameSeedSameNumbers()
{
    auto runOnce = [&](std::uint64_t seed) {
        TrainingConfig c = config(2);
        c.seed = seed; // the seed also picks the split, so each seed gets its own
        Trainer trainer(c, std::make_shared<const DatasetSplit>(DatasetCatalog::load(c)));
        Recorder rec;
        RunControl control;
        trainer.run(rec, control);
        return rec.epochs;
    };
    const auto a = runOnce(5), b = runOnce(5), c = runOnce(6);
    QCOMPARE(a.size(), 2);
    for (int i = 0; i < a.size(); ++i) {
        QCOMPARE(a[i].trainLoss, b[i].trainLoss);
        QCOMPARE(a[i].valLoss, b[i].valLoss);
        QCOMPARE(a[i].valPsnrDb, b[i].valPsnrDb);
    }
    QVERIFY(a[0].trainLoss != c[0].trainLoss);
}

// The CPU step's threads each gather and corrupt their own rows of every batch (Trainer::trainBatch): any thread
// count must train on the same noisy batches, so the losses agree up to the order of float sums. A thread that
// filled the wrong rows, or other noise, would move them by far more.
void TestTrainer::anyThreadCountMakesTheSameBatches_data()
{
    QTest::addColumn<int>("batch");
    QTest::addRow("batch 32 (threads split units)") << 32;
    QTest::addRow("batch 100 (threads split rows)") << 100;
}

void TestTrainer::anyThreadCountMakesTheSameBatches()
{
    QFETCH(int, batch);
    QVector<EpochMetrics> first;
    for (const int threads : {1, 2, 3}) {
        TrainingConfig c = config(1);
        c.threads = threads;
        c.batchSize = batch;
        Trainer trainer(c, m_data);
        Recorder rec;
        RunControl control;
        const Trainer::Outcome out = trainer.run(rec, control);
        QVERIFY2(!out.failed, qPrintable(out.error));
        QCOMPARE(rec.epochs.size(), 1);
        if (threads == 1) {
            first = rec.epochs;
            continue;
        }
        const EpochMetrics &a = first[0], &b = rec.epochs[0];
        QVERIFY2(std::abs(b.trainLoss - a.trainLoss) <= 1e-5 * a.trainLoss,
                 qPrintable(QStringLiteral("%1 threads: train loss %2, 1 thread %3")
                                .arg(threads)
                                .arg(b.trainLoss, 0, 'g', 9)
                                .arg(a.trainLoss, 0, 'g', 9)));
        QVERIFY2(std::abs(b.valLoss - a.valLoss) <= 1e-5 * a.valLoss,
                 qPrintable(QStringLiteral("%1 threads: val loss %2, 1 thread %3")
                                .arg(threads)
                                .arg(b.valLoss, 0, 'g', 9)
                                .arg(a.valLoss, 0, 'g', 9)));
    }
}

void TestTrainer::batchesMadeInTheStepEqualTheOldPhases_data()
{
    QTest::addColumn<int>("threads");
    QTest::addColumn<int>("batch");
    QTest::addColumn<double>("noise");
    QTest::addRow("1 thread, batch 32, noise 0.3") << 1 << 32 << 0.3;
    QTest::addRow("2 threads, batch 32, noise 0.3") << 2 << 32 << 0.3;
    QTest::addRow("2 threads, batch 100, noise 0.3") << 2 << 100 << 0.3;
    QTest::addRow("2 threads, batch 32, clean") << 2 << 32 << 0.0;
}

// The batches the fused step's threads make must be the very floats of the gather and NoiseModel::applyInto phases
// they replaced (same key sequence, same sigma, same rows): then the whole run is bit-identical.
void TestTrainer::batchesMadeInTheStepEqualTheOldPhases()
{
    QFETCH(int, threads);
    QFETCH(int, batch);
    QFETCH(double, noise);
    QVector<EpochMetrics> results[2];
    for (const bool inStep : {true, false}) {
        TrainingConfig c = config(2);
        c.threads = threads;
        c.batchSize = batch;
        c.noise = {NoiseType::Gaussian, noise};
        Trainer trainer(c, m_data);
        if (!inStep)
            TrainerTestAccess::makeBatchesBeforeTheStep(trainer);
        Recorder rec;
        RunControl control;
        const Trainer::Outcome out = trainer.run(rec, control);
        QVERIFY2(!out.failed, qPrintable(out.error));
        QCOMPARE(trainer.phaseSeconds().batchInStep, inStep);
        results[inStep ? 0 : 1] = rec.epochs;
    }
    QCOMPARE(results[0].size(), 2);
    QCOMPARE(results[1].size(), 2);
    for (int e = 0; e < 2; ++e) {
        QCOMPARE(results[0][e].trainLoss, results[1][e].trainLoss);
        QCOMPARE(results[0][e].valLoss, results[1][e].valLoss);
    }
}

void TestTrainer::earlyStoppingUsesPatience()
{
    TrainingConfig c = config(30);
    c.patience = 1;
    c.learningRate = 0.5; // far too high: validation stops improving quickly
    Trainer trainer(c, m_data);
    Recorder rec;
    RunControl control;
    const Trainer::Outcome out = trainer.run(rec, control);
    if (out.failed)
        QSKIP("the high learning rate diverged before patience applied");
    QVERIFY(out.summary.earlyStopped);
    QVERIFY(rec.epochs.size() < 30);
    QCOMPARE(out.summary.epochsCompleted - out.summary.bestEpoch, 1);
}

void TestTrainer::checkpointRoundTripGivesIdenticalOutputs()
{
    Trainer trainer(config(1), m_data);
    Recorder rec;
    RunControl control;
    trainer.run(rec, control);
    const QString path = m_dir.filePath(QStringLiteral("round.aes"));
    trainer.saveCheckpoint(path);
    const auto loaded = InferenceModel::fromCheckpoint(path);
    const auto live = trainer.snapshot();
    const NoiseSpec noise{NoiseType::Gaussian, 0.4};
    const Reconstruction a = live->reconstruct(m_data->test.pixels.data(), 8, noise, 3);
    const Reconstruction b = loaded->reconstruct(m_data->test.pixels.data(), 8, noise, 3);
    QVERIFY(a.noisy == b.noisy);
    QVERIFY(a.reconstructed == b.reconstructed);
    const CheckpointInfo info = Checkpoint::readInfo(path);
    QCOMPARE(info.epoch, 1);
    QCOMPARE(info.history.size(), 1);
    QCOMPARE(info.history[0].valLoss, rec.epochs[0].valLoss);
    QCOMPARE(info.config.toJson(), trainer.config().toJson());
    QVERIFY(info.hasOptimizer);
}

void TestTrainer::resumeContinuesTheEpochCount()
{
    // Two epochs straight, versus one epoch, a checkpoint, and a resumed second epoch: same numbers.
    Trainer straight(config(2), m_data);
    Recorder full;
    RunControl control;
    straight.run(full, control);

    Trainer first(config(1), m_data);
    Recorder part1;
    first.run(part1, control);
    const QString path = m_dir.filePath(QStringLiteral("resume.aes"));
    first.saveCheckpoint(path);

    Trainer second(config(2), m_data);
    second.resumeFrom(path);
    QCOMPARE(second.completedEpochs(), 1);
    Recorder part2;
    second.run(part2, control);
    QCOMPARE(part2.epochs.size(), 1);
    QCOMPARE(part2.epochs[0].epoch, 2);
    QCOMPARE(second.history().size(), 2);
    QVERIFY(std::abs(part2.epochs[0].valLoss - full.epochs[1].valLoss) < 1e-6);
}

void TestTrainer::stopMidEpochThenResumeIsBitIdentical()
{
    // Ctrl+C lands mid-epoch: the checkpoint holds the end of the last finished epoch (weights and Adam state), so
    // resuming replays nothing and gives exactly the numbers of an uninterrupted run (1 thread: deterministic).
    TrainingConfig c = config(3);
    c.threads = 1;
    Trainer straight(c, m_data);
    Recorder full;
    RunControl control;
    straight.run(full, control);
    QCOMPARE(full.epochs.size(), 3);

    Recorder stopper;
    RunControl stopControl;
    stopper.onBatch = [&](const BatchProgress &p) {
        if (p.epoch == 2 && p.batch == 1)
            stopControl.requestStop(); // lands before batch 2 of epoch 2
    };
    Trainer interrupted(c, m_data);
    const Trainer::Outcome out = interrupted.run(stopper, stopControl);
    QVERIFY(out.summary.stopped);
    QCOMPARE(interrupted.completedEpochs(), 1);
    const QString path = m_dir.filePath(QStringLiteral("stopped.aes"));
    interrupted.saveCheckpoint(path);
    QCOMPARE(Checkpoint::readInfo(path).epoch, 1);

    Trainer resumed(c, m_data);
    resumed.resumeFrom(path);
    Recorder rest;
    RunControl go;
    resumed.run(rest, go);
    QCOMPARE(rest.epochs.size(), 2);
    for (int i = 0; i < 2; ++i) {
        QCOMPARE(rest.epochs[i].epoch, i + 2);
        QCOMPARE(rest.epochs[i].valLoss, full.epochs[i + 1].valLoss); // bit-identical
        QCOMPARE(rest.epochs[i].trainLoss, full.epochs[i + 1].trainLoss);
    }
    // The same trainer, continued in memory after the stop, agrees too.
    Recorder again;
    interrupted.run(again, go);
    QCOMPARE(again.epochs.size(), 2);
    QCOMPARE(again.epochs[1].valLoss, full.epochs[2].valLoss);
}

void TestTrainer::resumeKeepsTheRealBestWeights()
{
    // Epoch 1 is the best; epoch 2 runs at an absurd learning rate and gets worse. After a resume from epoch 2's
    // checkpoint, best.aes must still hold epoch 1's weights, not the resumed ones.
    Trainer first(config(1), m_data);
    Recorder r1;
    RunControl control;
    first.run(r1, control);
    const QString bestOfFirst = m_dir.filePath(QStringLiteral("best-first.aes"));
    first.saveBestCheckpoint(bestOfFirst);
    const QString one = m_dir.filePath(QStringLiteral("epoch1.aes"));
    first.saveCheckpoint(one);

    TrainingConfig wild = config(2);
    wild.learningRate = 0.5;
    Trainer second(wild, m_data);
    second.resumeFrom(one);
    Recorder r2;
    second.run(r2, control);
    QCOMPARE(second.completedEpochs(), 2);
    QVERIFY2(r2.epochs[0].valLoss > r1.epochs[0].valLoss, "epoch 2 was meant to be worse");
    const QString two = m_dir.filePath(QStringLiteral("epoch2.aes"));
    second.saveCheckpoint(two);
    QCOMPARE(Checkpoint::readInfo(two).bestEpoch, 1);

    Trainer third(wild, m_data);
    third.resumeFrom(two);
    const QString bestAfterResume = m_dir.filePath(QStringLiteral("best-after-resume.aes"));
    third.saveBestCheckpoint(bestAfterResume);
    const NoiseSpec noise{NoiseType::Gaussian, 0.3};
    const auto expected
        = InferenceModel::fromCheckpoint(bestOfFirst)->reconstruct(m_data->test.pixels.data(), 8, noise, 5);
    const auto actual
        = InferenceModel::fromCheckpoint(bestAfterResume)->reconstruct(m_data->test.pixels.data(), 8, noise, 5);
    QVERIFY(expected.reconstructed == actual.reconstructed);
    QCOMPARE(Checkpoint::readInfo(bestAfterResume).epoch, 1);
}

void TestTrainer::splitMustMatchTheConfig()
{
    TrainingConfig c = config(1);
    c.seed = 9; // m_data was split with seed 0
    QVERIFY_THROWS_EXCEPTION(ConfigError, Trainer(c, m_data));
    c = config(1);
    c.limit = 300;
    QVERIFY_THROWS_EXCEPTION(ConfigError, Trainer(c, m_data));
    Trainer ok(config(1), m_data);
    QCOMPARE(ok.completedEpochs(), 0);
}

void TestTrainer::foreignArchitectureIsRejected()
{
    TrainingConfig other = config(1);
    other.model.hidden = ModelSpec::hiddenForDepth(5);
    other.model.latent = 30;
    Trainer five(other, m_data);
    const QString path = m_dir.filePath(QStringLiteral("five.aes"));
    five.saveCheckpoint(path);
    Trainer three(config(1), m_data);
    try {
        three.resumeFrom(path);
        QFAIL("resumed a 5-layer checkpoint into a 3-layer model");
    } catch (const CheckpointError &e) {
        QVERIFY2(e.message().contains(QStringLiteral("784-512-256-128-64-30")), qPrintable(e.message()));
        QVERIFY2(e.message().contains(QStringLiteral("784-256-128-15")), qPrintable(e.message()));
    }
}

QTEST_GUILESS_MAIN(TestTrainer)
#include "tst_trainer.moc"
