// The sweep on a real Slurm: the test starts its own single-node cluster on this machine (Debian's slurm-wlm and
// munge: munged, slurmctld and slurmd with a generated slurm.conf, state in a temp folder, free ports), submits a
// 4-cell `sweep --slurm`, waits for the array and the collect job, and checks the cells, results.csv and table.md
// against a local run of the same grid. Resubmitting the array then redoes nothing. The daemons are stopped by pid.
// Where they cannot start, the test fails with their logs; it never skips.
#include "CliProcess.h"
#include "TinyIdx.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <csignal>
#include <utility>
#include <sys/types.h>

using namespace aestudio::testing;

namespace {

// Two distinct free ports: both are held while the second is chosen, so the kernel cannot hand out the same one twice.
std::pair<quint16, quint16> twoFreePorts()
{
    QTcpServer a;
    QTcpServer b;
    a.listen(QHostAddress::LocalHost, 0);
    b.listen(QHostAddress::LocalHost, 0);
    return {a.serverPort(), b.serverPort()};
}

QString readText(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

QString shortHostName()
{
    QProcess p;
    p.start(QStringLiteral("hostname"), {QStringLiteral("-s")});
    p.waitForFinished(5000);
    const QString name = QString::fromUtf8(p.readAllStandardOutput()).trimmed();
    return name.isEmpty() ? QHostInfo::localHostName().section(QLatin1Char('.'), 0, 0) : name;
}

} // namespace

class TestSlurm : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void sweepRunsAsAJobArrayAndMatchesALocalRun();
    void resubmittingRedoesNothing();

private:
    CliResult cli(const QStringList &args, int timeoutMs = 120000)
    {
        return runCli(QStringLiteral(AESTUDIO_CLI_PATH), args, timeoutMs, m_env);
    }
    CliResult tool(const QString &program, const QStringList &args) { return runCli(program, args, 30000, m_env); }
    void startDaemon(const QString &program, const QStringList &args, const QString &pidFile, const QString &log);
    bool waitForArray(const QString &job, int timeoutMs);
    QString daemonLogs() const;
    QTemporaryDir m_dir;
    QString m_state, m_data, m_sweep;
    QStringList m_pidFiles;
    QProcessEnvironment m_env = QProcessEnvironment::systemEnvironment();
};

QString TestSlurm::daemonLogs() const
{
    QString out;
    for (const char *log : {"munged.log", "slurmctld.log", "slurmd.log"})
        out += QStringLiteral("\n--- %1:\n%2")
                   .arg(QLatin1String(log), readText(QDir(m_state).filePath(QLatin1String(log))).right(1500));
    return out;
}

void TestSlurm::startDaemon(const QString &program, const QStringList &args, const QString &pidFile, const QString &log)
{
    const QString path = QStandardPaths::findExecutable(
        program, {QStringLiteral("/usr/sbin"), QStringLiteral("/sbin"), QStringLiteral("/usr/bin")});
    if (path.isEmpty())
        QFAIL(qPrintable(
            QStringLiteral("%1 is not installed (apt-get install slurm-wlm munge; ./run tests does)").arg(program)));
    const CliResult r = runCli(path, args, 30000, m_env);
    m_pidFiles << pidFile;
    QTRY_VERIFY2_WITH_TIMEOUT(QFileInfo::exists(pidFile),
                              qPrintable(QStringLiteral("%1 did not start (exit %2: %3)%4")
                                             .arg(program)
                                             .arg(r.code)
                                             .arg(r.err.trimmed(), readText(log).right(2000))),
                              20000);
}

void TestSlurm::initTestCase()
{
    m_state = m_dir.filePath(QStringLiteral("slurm-state"));
    QDir().mkpath(m_state + QStringLiteral("/ctld"));
    QDir().mkpath(m_state + QStringLiteral("/spool"));
    m_data = m_dir.filePath(QStringLiteral("data"));
    writeDataset(m_data, 480, 40, true);
    const QString host = shortHostName();
    const QString socket = QDir(m_state).filePath(QStringLiteral("munge.sock"));
    const QString conf = QDir(m_state).filePath(QStringLiteral("slurm.conf"));
    QString text;
    auto line = [&](const QString &l) { text += l + QLatin1Char('\n'); };
    line(QStringLiteral("ClusterName=aestudiotest"));
    line(QStringLiteral("SlurmctldHost=%1").arg(host));
    line(QStringLiteral("SlurmUser=root"));
    line(QStringLiteral("SlurmdUser=root"));
    line(QStringLiteral("AuthType=auth/munge"));
    line(QStringLiteral("CredType=cred/munge"));
    line(QStringLiteral("AuthInfo=socket=%1").arg(socket));
    line(QStringLiteral("ProctrackType=proctrack/linuxproc"));
    line(QStringLiteral("TaskPlugin=task/none"));
    line(QStringLiteral("SelectType=select/cons_tres"));
    line(QStringLiteral("SelectTypeParameters=CR_CPU"));
    line(QStringLiteral("MpiDefault=none"));
    line(QStringLiteral("ReturnToService=2"));
    line(QStringLiteral("JobAcctGatherType=jobacct_gather/none"));
    line(QStringLiteral("AccountingStorageType=accounting_storage/none"));
    line(QStringLiteral("StateSaveLocation=%1/ctld").arg(m_state));
    line(QStringLiteral("SlurmdSpoolDir=%1/spool").arg(m_state));
    line(QStringLiteral("SlurmctldPidFile=%1/slurmctld.pid").arg(m_state));
    line(QStringLiteral("SlurmdPidFile=%1/slurmd.pid").arg(m_state));
    line(QStringLiteral("SlurmctldLogFile=%1/slurmctld.log").arg(m_state));
    line(QStringLiteral("SlurmdLogFile=%1/slurmd.log").arg(m_state));
    const auto [ctldPort, slurmdPort] = twoFreePorts();
    QVERIFY(ctldPort != 0 && slurmdPort != 0 && ctldPort != slurmdPort);
    line(QStringLiteral("SlurmctldPort=%1").arg(ctldPort));
    line(QStringLiteral("SlurmdPort=%1").arg(slurmdPort));
    line(QStringLiteral("NodeName=%1 CPUs=%2 State=UNKNOWN").arg(host).arg(QThread::idealThreadCount()));
    line(QStringLiteral("PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP"));
    writeBytes(conf, text.toUtf8());
    m_env.insert(QStringLiteral("SLURM_CONF"), conf);

    startDaemon(QStringLiteral("munged"),
                {QStringLiteral("--socket=") + socket, QStringLiteral("--pid-file=%1/munged.pid").arg(m_state),
                 QStringLiteral("--log-file=%1/munged.log").arg(m_state),
                 QStringLiteral("--seed-file=%1/munge.seed").arg(m_state), QStringLiteral("--force")},
                QDir(m_state).filePath(QStringLiteral("munged.pid")),
                QDir(m_state).filePath(QStringLiteral("munged.log")));
    startDaemon(QStringLiteral("slurmctld"), {}, QDir(m_state).filePath(QStringLiteral("slurmctld.pid")),
                QDir(m_state).filePath(QStringLiteral("slurmctld.log")));
    startDaemon(QStringLiteral("slurmd"), {}, QDir(m_state).filePath(QStringLiteral("slurmd.pid")),
                QDir(m_state).filePath(QStringLiteral("slurmd.log")));
    // The node must be idle before jobs can run.
    QTRY_VERIFY2_WITH_TIMEOUT(
        tool(QStringLiteral("sinfo"), {QStringLiteral("-h"), QStringLiteral("-o"), QStringLiteral("%T")})
            .out.contains(QStringLiteral("idle")),
        qPrintable(QStringLiteral("the node never became idle") + daemonLogs()), 30000);
}

void TestSlurm::cleanupTestCase()
{
    for (const QString &pidFile : std::as_const(m_pidFiles)) {
        const qint64 pid = readText(pidFile).trimmed().toLongLong();
        if (pid > 1)
            ::kill(pid_t(pid), SIGTERM);
    }
    QTest::qWait(1000);
}

bool TestSlurm::waitForArray(const QString &job, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeoutMs) {
        const CliResult q = tool(QStringLiteral("squeue"), {QStringLiteral("-h"), QStringLiteral("-j"), job});
        if (q.code == 0 && q.out.trimmed().isEmpty())
            return true;
        QTest::qWait(500);
    }
    return false;
}

void TestSlurm::sweepRunsAsAJobArrayAndMatchesALocalRun()
{
    m_sweep = m_dir.filePath(QStringLiteral("sweep"));
    const QStringList grid{QStringLiteral("sweep"),    QStringLiteral("--dataset"),  m_data,
                           QStringLiteral("--depths"), QStringLiteral("3"),          QStringLiteral("--latents"),
                           QStringLiteral("4,6"),      QStringLiteral("--dropouts"), QStringLiteral("0,0.2"),
                           QStringLiteral("--epochs"), QStringLiteral("1")};
    const CliResult r = cli(QStringList(grid) << QStringLiteral("--out") << m_sweep << QStringLiteral("--slurm")
                                              << QStringLiteral("--cpus-per-task") << QStringLiteral("1"));
    QVERIFY2(r.code == 0, qPrintable(r.err + r.out + daemonLogs()));
    const QRegularExpressionMatch ids
        = QRegularExpression(QStringLiteral("submitted job array (\\d+) \\(4 tasks\\) and collect job (\\d+)"))
              .match(r.out);
    QVERIFY2(ids.hasMatch(), qPrintable(r.out));
    QVERIFY2(waitForArray(ids.captured(2), 240000), qPrintable(QStringLiteral("the jobs did not end") + daemonLogs()));
    for (int i = 0; i < 4; ++i)
        QVERIFY2(QFileInfo::exists(QDir(m_sweep).filePath(QStringLiteral("slurm/cell-%1.log").arg(i))),
                 "one log per task");
    const QString collectLog = readText(QDir(m_sweep).filePath(QStringLiteral("slurm/collect.log")));
    QVERIFY2(collectLog.contains(QStringLiteral("4 of 4 cells finished")), qPrintable(collectLog));
    const CliResult status = cli({QStringLiteral("sweep-status"), m_sweep});
    QVERIFY2(status.out.contains(QStringLiteral("4 done, 0 running, 0 queued, 0 failed")), qPrintable(status.out));
    QVERIFY(QFileInfo::exists(QDir(m_sweep).filePath(QStringLiteral("table.md"))));

    // The same grid run here: the same cells, epochs and losses (one thread each, as the tasks had).
    const QString local = m_dir.filePath(QStringLiteral("local"));
    const CliResult l = cli(QStringList(grid)
                            << QStringLiteral("--out") << local << QStringLiteral("--threads") << QStringLiteral("1"));
    QVERIFY2(l.code == 0, qPrintable(l.err));
    const QStringList a
        = readText(QDir(m_sweep).filePath(QStringLiteral("results.csv"))).trimmed().split(QLatin1Char('\n'));
    const QStringList b
        = readText(QDir(local).filePath(QStringLiteral("results.csv"))).trimmed().split(QLatin1Char('\n'));
    QCOMPARE(a.size(), 5);
    QCOMPARE(a.size(), b.size());
    for (int i = 0; i < a.size(); ++i) {
        const QStringList x = a[i].split(QLatin1Char(',')), y = b[i].split(QLatin1Char(','));
        QCOMPARE(x.mid(0, 8), y.mid(0, 8));
        if (i > 0)
            QVERIFY2(std::abs(x[8].toDouble() - y[8].toDouble()) <= 1e-3 * y[8].toDouble(),
                     qPrintable(a[i] + QStringLiteral("\n") + b[i]));
    }
    QCOMPARE(readText(QDir(m_sweep).filePath(QStringLiteral("table.md"))).count(QLatin1Char('\n')),
             readText(QDir(local).filePath(QStringLiteral("table.md"))).count(QLatin1Char('\n')));
}

// Submitting the array again (after a requeue, a cancelled task, by hand): every task finds its cell done.
void TestSlurm::resubmittingRedoesNothing()
{
    QVERIFY(!m_sweep.isEmpty());
    const QString checkpoint = QDir(m_sweep).filePath(QStringLiteral("d3-l4-p0-wd0/checkpoint.aes"));
    const QDateTime before = QFileInfo(checkpoint).lastModified();
    const CliResult s
        = tool(QStringLiteral("sbatch"),
               {QStringLiteral("--parsable"), QDir(m_sweep).filePath(QStringLiteral("slurm/sweep.sbatch"))});
    QVERIFY2(s.code == 0, qPrintable(s.err));
    QVERIFY2(waitForArray(s.out.trimmed(), 120000), "the resubmitted array did not end");
    for (int i = 0; i < 4; ++i) {
        const QString log = readText(QDir(m_sweep).filePath(QStringLiteral("slurm/cell-%1.log").arg(i)));
        QVERIFY2(log.contains(QStringLiteral("already done")), qPrintable(log));
    }
    QCOMPARE(QFileInfo(checkpoint).lastModified(), before);
}

QTEST_GUILESS_MAIN(TestSlurm)
#include "tst_slurm.moc"
