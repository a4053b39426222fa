// aestudio-cli under the faults an unlucky user meets: Ctrl+C at random moments (with oneDNN's JIT kernels busy on
// one thread and batch 4096) and a disk that fills up during a fresh and a resumed run. Every exit is clean, and
// every file at a final path loads or is the old intact one.
#include "Checkpoint.h"
#include "Errors.h"
#include "InferenceModel.h"

#include "TinyIdx.h"

#include <QDir>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

using namespace aestudio;
using namespace aestudio::testing;

class TestCliFaults : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void sigintAtRandomMomentsIsAlwaysSafe();
    void fullDiskNeverCommitsATornFile();

private:
    QStringList trainArgs(const QString &out, int epochs, int batch) const;
    // Every checkpoint in `dir` loads; returns how many there were.
    int checkpointsLoad(const QString &dir);
    QTemporaryDir m_dir;
    QString m_data;
};

void TestCliFaults::initTestCase()
{
    m_data = m_dir.filePath(QStringLiteral("data"));
    writeDataset(m_data, 5000, 100, false);
}

QStringList TestCliFaults::trainArgs(const QString &out, int epochs, int batch) const
{
    return {QStringLiteral("train"),
            QStringLiteral("--dataset"),
            m_data,
            QStringLiteral("--epochs"),
            QString::number(epochs),
            QStringLiteral("--batch-size"),
            QString::number(batch),
            QStringLiteral("--threads"),
            QStringLiteral("1"),
            QStringLiteral("--noise"),
            QStringLiteral("0.3"),
            QStringLiteral("--out"),
            out};
}

int TestCliFaults::checkpointsLoad(const QString &dir)
{
    int n = 0;
    for (const char *name : {"checkpoint.aes", "best.aes"}) {
        const QString path = QDir(dir).filePath(QString::fromLatin1(name));
        if (!QFile::exists(path))
            continue;
        try {
            InferenceModel::fromCheckpoint(path);
            Checkpoint::readInfo(path);
            ++n;
        } catch (const StudioError &e) {
            qWarning("%s", e.what());
            return -1;
        }
    }
    return n;
}

void TestCliFaults::sigintAtRandomMomentsIsAlwaysSafe()
{
    QRandomGenerator rng(20261127);
    int interruptedMidRun = 0;
    for (int i = 0; i < 30; ++i) {
        const QString out = m_dir.filePath(QStringLiteral("sig-%1").arg(i));
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(QStringLiteral(AESTUDIO_CLI_PATH), trainArgs(out, 4, 4096));
        QVERIFY(p.waitForStarted());
        // From the moment main() runs (its first line), not while the loader maps libtorch: a signal before main()
        // ends the process before it has written anything.
        QVERIFY(p.waitForReadyRead(30000));
        QTest::qWait(int(rng.bounded(0, 2000)));
        // Only a live child: kill(0, ...) would signal this whole process group (ctest and CI with it).
        const qint64 pid = p.processId();
        if (pid > 0 && p.state() == QProcess::Running)
            ::kill(pid_t(pid), SIGINT);
        // waitForFinished() is false for a process that had already finished before the signal: nothing to wait for.
        QVERIFY2(p.state() == QProcess::NotRunning || p.waitForFinished(60000), "the run did not stop after Ctrl+C");
        const QString log = QString::fromUtf8(p.readAll());
        QVERIFY2(p.exitStatus() == QProcess::NormalExit,
                 qPrintable(QStringLiteral("run %1 crashed:\n%2").arg(i).arg(log)));
        QVERIFY2(p.exitCode() == 0 || p.exitCode() == 130,
                 qPrintable(QStringLiteral("run %1 exited %2:\n%3").arg(i).arg(p.exitCode()).arg(log)));
        if (p.exitCode() == 130)
            ++interruptedMidRun;
        QVERIFY2(checkpointsLoad(out) >= 0,
                 qPrintable(QStringLiteral("run %1 left a checkpoint that does not load").arg(i)));
    }
    qInfo("%d of 30 runs were stopped by Ctrl+C, the rest had finished or not yet started training", interruptedMidRun);
    QVERIFY(interruptedMidRun >= 10);
}

void TestCliFaults::fullDiskNeverCommitsATornFile()
{
    const QString mnt = m_dir.filePath(QStringLiteral("small-disk"));
    QVERIFY(QDir().mkpath(mnt));
    // About 3 checkpoints' worth: the first epochs fit, a later save runs out of space.
    if (::mount("tmpfs", QFile::encodeName(mnt).constData(), "tmpfs", 0, "size=12m") != 0)
        QSKIP("cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN); the in-process fault injector of "
              "tst_checkpoint::fullDiskKeepsTheOldFile covers the write path");
    struct Unmount {
        QByteArray path;
        ~Unmount() { ::umount2(path.constData(), MNT_DETACH); }
    } unmount{QFile::encodeName(mnt)};

    const QString run = QDir(mnt).filePath(QStringLiteral("run"));
    QProcess fresh;
    fresh.setProcessChannelMode(QProcess::MergedChannels);
    fresh.start(QStringLiteral(AESTUDIO_CLI_PATH), trainArgs(run, 3, 256));
    QVERIFY(fresh.waitForFinished(120000));
    const QString freshLog = QString::fromUtf8(fresh.readAll());
    QVERIFY2(fresh.exitStatus() == QProcess::NormalExit, qPrintable(freshLog));
    QVERIFY2(fresh.exitCode() != 0, qPrintable(QStringLiteral("a run on a full disk exited 0:\n") + freshLog));
    QVERIFY2(freshLog.contains(QStringLiteral("disk full")), qPrintable(freshLog));
    QVERIFY2(!freshLog.contains(QStringLiteral("finished after")), qPrintable(freshLog));
    QVERIFY2(checkpointsLoad(run) >= 1, qPrintable(freshLog));
    const int savedEpoch = Checkpoint::readInfo(QDir(run).filePath(QStringLiteral("checkpoint.aes"))).epoch;

    // A resumed run on the same full disk: fails loudly, and the last good files stay as they were.
    QFile before(QDir(run).filePath(QStringLiteral("checkpoint.aes")));
    QVERIFY(before.open(QIODevice::ReadOnly));
    const QByteArray oldBytes = before.readAll();
    before.close();
    QProcess resumed;
    resumed.setProcessChannelMode(QProcess::MergedChannels);
    QStringList args = trainArgs(run, 6, 256);
    args << QStringLiteral("--resume") << QDir(run).filePath(QStringLiteral("checkpoint.aes"));
    resumed.start(QStringLiteral(AESTUDIO_CLI_PATH), args);
    QVERIFY(resumed.waitForFinished(120000));
    const QString resumedLog = QString::fromUtf8(resumed.readAll());
    QVERIFY2(resumed.exitCode() != 0, qPrintable(resumedLog));
    QVERIFY2(resumedLog.contains(QStringLiteral("disk full")), qPrintable(resumedLog));
    QVERIFY2(checkpointsLoad(run) >= 1, qPrintable(resumedLog));
    const int afterEpoch = Checkpoint::readInfo(QDir(run).filePath(QStringLiteral("checkpoint.aes"))).epoch;
    QVERIFY(afterEpoch >= savedEpoch);
    if (afterEpoch == savedEpoch) {
        QFile after(QDir(run).filePath(QStringLiteral("checkpoint.aes")));
        QVERIFY(after.open(QIODevice::ReadOnly));
        QCOMPARE(after.readAll(), oldBytes);
    }
    // No temp files left behind.
    for (const QString &name : QDir(run).entryList(QDir::Files | QDir::Hidden))
        QVERIFY2(!name.contains(QStringLiteral(".aes.")) && !name.contains(QStringLiteral(".csv.")), qPrintable(name));
}

QTEST_GUILESS_MAIN(TestCliFaults)
#include "tst_cli_faults.moc"
