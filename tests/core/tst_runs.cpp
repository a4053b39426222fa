// Run folders: TrainingRun writes one after every epoch and says in run.json how the run stands; RunRecord reads any
// folder back (a live, finished, crashed or garbage one) without throwing; new folders never collide.
#include "AtomicFile.h"
#include "Checkpoint.h"
#include "Errors.h"
#include "AtomicFile.h"
#include "RunDirectory.h"
#include "RunFiles.h"
#include "RunRecord.h"
#include "TinyIdx.h"
#include "TrainingRun.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <unistd.h>

using namespace aestudio;
using namespace aestudio::testing;

namespace {

// At each epoch, what the folder already holds: the observer hears about an epoch only after it is on disk.
struct FolderChecker : TrainingObserver {
    QString folder;
    QVector<int> rowsSeen;
    void epochFinished(const EpochMetrics &) override
    {
        QFile csv(QDir(folder).filePath(QStringLiteral("metrics.csv")));
        rowsSeen << (csv.open(QIODevice::ReadOnly) ? int(RunFiles::parseMetricsCsv(csv.readAll()).size()) : -1);
    }
};

QJsonObject readJson(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

} // namespace

class TestRuns : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void trainingRunWritesEveryEpoch();
    void stoppedRunSaysSoAndResumesInPlace();
    void crashedRunIsToldFromALiveOne();
    void garbageFolderIsReadWithoutThrowing();
    void newFoldersNeverCollide();
    void metricsCsvRoundTrips();
    void metricsNeverRunAheadOfTheCheckpoint();

private:
    TrainingConfig config(int epochs) const;
    QTemporaryDir m_dir;
    QString m_data;
};

void TestRuns::initTestCase()
{
    m_data = m_dir.filePath(QStringLiteral("data"));
    writeDataset(m_data, 360, 40, true);
}

TrainingConfig TestRuns::config(int epochs) const
{
    TrainingConfig c;
    c.dataset = m_data;
    c.model.latent = 8;
    c.batchSize = 32;
    c.epochs = epochs;
    c.threads = 1;
    c.device = QStringLiteral("cpu");
    return c;
}

void TestRuns::trainingRunWritesEveryEpoch()
{
    const RunDirectory folder = RunDirectory::createNew(config(3), QStringLiteral("every epoch"), m_dir.path());
    folder.writeLabel(QStringLiteral("My run"), QStringLiteral("a note"));
    TrainingRun run(config(3), folder);
    FolderChecker checker;
    checker.folder = folder.path();
    RunControl control;
    const Trainer::Outcome outcome = run.run(checker, control);
    QVERIFY(!outcome.failed);
    QCOMPARE(checker.rowsSeen, (QVector<int>{1, 2, 3}));
    for (const char *name : {"config.json", "metrics.csv", "checkpoint.aes", "best.aes", "grid.png", "run.json"})
        QVERIFY2(QFileInfo::exists(folder.file(QString::fromLatin1(name))), name);
    const QJsonObject status = readJson(folder.file(QStringLiteral("run.json")));
    QCOMPARE(status[QStringLiteral("state")].toString(), QStringLiteral("finished"));
    QCOMPARE(status[QStringLiteral("pid")].toInteger(), qint64(::getpid()));

    const RunRecord r = RunRecord::read(folder.path());
    QVERIFY2(r.readable(), qPrintable(r.problem));
    QCOMPARE(r.status, RunRecord::Status::Finished);
    QCOMPARE(r.name, QStringLiteral("My run"));
    QCOMPARE(r.note, QStringLiteral("a note"));
    QCOMPARE(r.epochsDone(), 3);
    QCOMPARE(r.config.model.latent, 8);
    QCOMPARE(r.architecture(), QStringLiteral("784-256-128-8"));
    QVERIFY(r.bestEpoch()); // metrics.csv keeps 8 significant digits
    QVERIFY(qAbs(r.bestEpoch()->valLoss - outcome.summary.bestValLoss) <= 1e-7 * outcome.summary.bestValLoss);
    QVERIFY(r.hasCheckpoint());
    QVERIFY(RunRecord::findRuns(m_dir.path()).contains(folder.path()));
}

void TestRuns::stoppedRunSaysSoAndResumesInPlace()
{
    const RunDirectory folder(m_dir.filePath(QStringLiteral("stopped")));
    {
        TrainingRun run(config(3), folder);
        struct StopAfterOne : TrainingObserver {
            RunControl *control = nullptr;
            void epochFinished(const EpochMetrics &) override { control->requestStop(); }
        } stopper;
        RunControl control;
        stopper.control = &control;
        QVERIFY(run.run(stopper, control).summary.stopped);
    }
    RunRecord r = RunRecord::read(folder.path());
    QCOMPARE(r.status, RunRecord::Status::Stopped);
    QCOMPARE(r.epochsDone(), 1);
    const QDateTime firstStart = r.started;
    QVERIFY(firstStart.isValid());
    QTest::qWait(20); // a resume's own clock reads later

    TrainingRun again(config(3), folder, TrainingRun::Options{r.checkpointPath(), nullptr});
    QCOMPARE(again.trainer().completedEpochs(), 1);
    TrainingObserver quiet;
    RunControl control;
    QVERIFY(!again.run(quiet, control).failed);
    r = RunRecord::read(folder.path());
    QCOMPARE(r.status, RunRecord::Status::Finished);
    QCOMPARE(r.epochsDone(), 3);
    QCOMPARE(r.history.size(), 3);
    QCOMPARE(r.started, firstStart); // still the run's first start, not the resume's

    // Resumed with fewer epochs than it holds: nothing trains, and the folder still plans the 3 it has.
    TrainingRun shorter(config(2), folder, TrainingRun::Options{r.checkpointPath(), nullptr});
    QVERIFY(!shorter.run(quiet, control).failed);
    r = RunRecord::read(folder.path());
    QCOMPARE(r.epochsDone(), 3);
    QCOMPARE(r.config.epochs, 3);
    QCOMPARE(r.status, RunRecord::Status::Finished);
    QCOMPARE(r.started, firstStart);
}

void TestRuns::crashedRunIsToldFromALiveOne()
{
    const RunDirectory folder(m_dir.filePath(QStringLiteral("crashed")));
    AtomicFile::writeJson(folder.file(QStringLiteral("config.json")),
                          QJsonObject{{QStringLiteral("config"), config(2).toJson()}});
    folder.writeStatus(QStringLiteral("running"), QDateTime::currentDateTime()); // this process: alive
    QCOMPARE(RunRecord::read(folder.path()).status, RunRecord::Status::Running);

    // A process that has exited stands for one killed mid-run.
    QProcess gone;
    gone.start(QStringLiteral("/bin/true"));
    QVERIFY(gone.waitForStarted());
    const qint64 pid = gone.processId();
    QVERIFY(gone.waitForFinished());
    QJsonObject status = readJson(folder.file(QStringLiteral("run.json")));
    status[QStringLiteral("pid")] = pid;
    AtomicFile::writeJson(folder.file(QStringLiteral("run.json")), status);
    const RunRecord r = RunRecord::read(folder.path());
    QCOMPARE(r.status, RunRecord::Status::Crashed);
    QCOMPARE(RunRecord::statusName(r.status), QStringLiteral("crashed"));
}

void TestRuns::garbageFolderIsReadWithoutThrowing()
{
    const RunDirectory folder(m_dir.filePath(QStringLiteral("garbage")));
    AtomicFile::write(folder.file(QStringLiteral("config.json")), "{\"config\": {\"latent\": -4}}");
    AtomicFile::write(folder.file(QStringLiteral("metrics.csv")), "epoch,train_loss\n1,abc\n");
    AtomicFile::write(folder.file(QStringLiteral("run.json")), "\x01\x02 not json");
    RunRecord r;
    try {
        r = RunRecord::read(folder.path());
    } catch (...) {
        QFAIL("reading a stranger's folder threw");
    }
    QVERIFY(!r.readable());
    QVERIFY2(r.problem.contains(QStringLiteral("config.json")), qPrintable(r.problem));
    QCOMPARE(r.status, RunRecord::Status::Unknown);
    QVERIFY(RunRecord::looksLikeRun(folder.path()));
    QVERIFY(!RunRecord::looksLikeRun(m_dir.filePath(QStringLiteral("data"))));
}

void TestRuns::newFoldersNeverCollide()
{
    const QString root = m_dir.filePath(QStringLiteral("collide"));
    QStringList paths;
    for (int i = 0; i < 3; ++i)
        paths << RunDirectory::createNew(config(1), QStringLiteral("same/name?"), root).path();
    paths.removeDuplicates();
    QCOMPARE(paths.size(), 3);
    QVERIFY2(paths[0].endsWith(QStringLiteral("-data-d3-l8-same-name")), qPrintable(paths[0]));
    QVERIFY2(paths[1].endsWith(QStringLiteral("-same-name-2")) || !paths[1].startsWith(paths[0]), qPrintable(paths[1]));
}

void TestRuns::metricsCsvRoundTrips()
{
    EpochMetrics m;
    m.epoch = 4;
    m.trainLoss = 0.0123;
    m.valLoss = 0.0234;
    m.valPsnrDb = 17.25;
    m.valPsnrGlobalDb = 16.5;
    m.noisyPsnrDb = 9.75;
    m.seconds = 3.5;
    const QVector<EpochMetrics> back = RunFiles::parseMetricsCsv(RunFiles::metricsCsv({m, m}));
    QCOMPARE(back.size(), 2);
    QCOMPARE(back[1].epoch, 4);
    QCOMPARE(back[1].valLoss, 0.0234);
    QCOMPARE(back[1].valPsnrDb, 17.25);
    QCOMPARE(back[1].seconds, 3.5);
    QVERIFY_THROWS_EXCEPTION(FormatError, RunFiles::parseMetricsCsv("epoch\n1,2,3\n"));
}

// A power cut or a full disk between the run's files must not leave metrics.csv claiming an epoch that
// checkpoint.aes does not hold (the Runs browser reads one, Open and Resume the other).
void TestRuns::metricsNeverRunAheadOfTheCheckpoint()
{
    const RunDirectory folder(m_dir.filePath(QStringLiteral("ahead")));
    {
        TrainingRun run(config(1), folder);
        TrainingObserver quiet;
        RunControl control;
        QVERIFY(!run.run(quiet, control).failed);
    }
    TrainingRun more(config(2), folder, TrainingRun::Options{folder.file(QStringLiteral("checkpoint.aes")), nullptr});
    AtomicFile::setWriteBudgetForTesting(1000); // the next checkpoint does not fit
    TrainingObserver quiet;
    RunControl control;
    QString error;
    try {
        more.run(quiet, control);
    } catch (const StudioError &e) {
        error = e.message();
    }
    AtomicFile::setWriteBudgetForTesting(-1);
    QVERIFY2(error.contains(QStringLiteral("disk full")), qPrintable(error));
    QCOMPARE(Checkpoint::readInfo(folder.file(QStringLiteral("checkpoint.aes"))).epoch, 1);
    QCOMPARE(RunRecord::read(folder.path()).epochsDone(), 1);
}

QTEST_GUILESS_MAIN(TestRuns)
#include "tst_runs.moc"
