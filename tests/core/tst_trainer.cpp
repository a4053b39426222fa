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
    QStringList failures;
    std::function<void(const BatchProgress &)> onBatch;
    void batchProgress(const BatchProgress &p) override
    {
        batches << p;
        if (onBatch)
            onBatch(p);
    }
    void epochFinished(const EpochMetrics &m) override { epochs << m; }
    void trainingFinished(const TrainingSummary &) override { ++finished; }
    void trainingFailed(const QString &message) override { failures << message; }
};

} // namespace

class TestTrainer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void lossFallsWithNoise();
    void stopLandsWithinOneBatch();
    void pauseHoldsAndResumes();
    void nanStopsTheRunAndKeepsLastGoodWeights();
    void sameSeedSameNumbers();
    void earlyStoppingUsesPatience();
    void checkpointRoundTripGivesIdenticalOutputs();
    void resumeContinuesTheEpochCount();
    void corruptCheckpointsAreRejected_data();
    void corruptCheckpointsAreRejected();
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
        qInfo("epoch %d train %.5f val %.5f psnr %.2f noisy %.2f", m.epoch, m.trainLoss, m.valLoss, m.valPsnrDb, m.noisyPsnrDb);
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

void TestTrainer::nanStopsTheRunAndKeepsLastGoodWeights()
{
    Trainer trainer(config(3), m_data);
    Recorder rec;
    RunControl control;
    rec.onBatch = [&](const BatchProgress &p) {
        if (p.epoch == 2 && p.batch >= 1)
            trainer.poisonWeightsForTesting();
    };
    const Trainer::Outcome out = trainer.run(rec, control);
    QVERIFY(out.failed);
    QCOMPARE(rec.failures.size(), 1);
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
        c.seed = seed;
        Trainer trainer(c, m_data);
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

void TestTrainer::corruptCheckpointsAreRejected_data()
{
    QTest::addColumn<QString>("fault");
    QTest::addColumn<QString>("expected");
    QTest::addRow("truncated") << QStringLiteral("truncate") << QStringLiteral("truncated");
    QTest::addRow("flipped weight byte") << QStringLiteral("flip") << QStringLiteral("corrupt");
    QTest::addRow("not a checkpoint") << QStringLiteral("garbage") << QStringLiteral("bad magic");
    QTest::addRow("empty") << QStringLiteral("empty") << QStringLiteral("bad magic");
    QTest::addRow("future version") << QStringLiteral("version") << QStringLiteral("version");
    QTest::addRow("trailing bytes") << QStringLiteral("append") << QStringLiteral("after the weights");
    QTest::addRow("missing") << QStringLiteral("missing") << QStringLiteral("not found");
}

void TestTrainer::corruptCheckpointsAreRejected()
{
    QFETCH(QString, fault);
    QFETCH(QString, expected);
    Trainer trainer(config(1), m_data);
    const QString good = m_dir.filePath(QStringLiteral("good.aes"));
    trainer.saveCheckpoint(good);
    QFile f(good);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QByteArray bytes = f.readAll();
    f.close();
    if (fault == QLatin1String("truncate"))
        bytes.chop(bytes.size() / 3);
    else if (fault == QLatin1String("flip"))
        bytes[bytes.size() - 200] = char(bytes[bytes.size() - 200] ^ 0x40);
    else if (fault == QLatin1String("garbage"))
        bytes = QByteArray(4096, 'z');
    else if (fault == QLatin1String("empty"))
        bytes.clear();
    else if (fault == QLatin1String("version"))
        bytes[8] = char(99);
    else if (fault == QLatin1String("append"))
        bytes += "tail";
    const QString bad = m_dir.filePath(QStringLiteral("bad-%1.aes").arg(fault));
    if (fault != QLatin1String("missing"))
        writeBytes(bad, bytes);
    for (int attempt = 0; attempt < 2; ++attempt) {
        try {
            if (attempt == 0)
                InferenceModel::fromCheckpoint(bad);
            else
                trainer.resumeFrom(bad);
            QFAIL("a bad checkpoint was accepted");
        } catch (const CheckpointError &e) {
            QVERIFY2(e.message().contains(bad), qPrintable(e.message()));
            QVERIFY2(e.message().contains(expected, Qt::CaseInsensitive), qPrintable(e.message()));
        }
    }
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
