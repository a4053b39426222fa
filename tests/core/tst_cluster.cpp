// Sweeps as cells that run anywhere (aestudio-cli sweep-cell), collected into one table (sweep-collect), and the
// Slurm job array that runs them: the plan, idempotent and resumable cells, collection with missing cells, the
// scripts against golden files, and the clear error where sbatch is missing. No Slurm needed (tst_slurm has one).
#include "CliProcess.h"
#include "TinyIdx.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace aestudio::testing;

class TestCluster : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void planCellsAndCollectMatchALocalSweep();
    void finishedCellIsANoOp();
    void collectNamesMissingCells();
    void killedCellResumes();
    void slurmScriptsMatchTheGoldenFiles();
    void slurmWithoutSbatchSaysSo();
    void badPlanOrIndexIsRefused();

private:
    CliResult cli(const QStringList &args, int timeoutMs = 120000,
                  const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
    {
        return runCli(QStringLiteral(AESTUDIO_CLI_PATH), args, timeoutMs, env);
    }
    QStringList grid(const QString &out, const QString &latents = QStringLiteral("4,6")) const
    {
        return {QStringLiteral("sweep"),
                QStringLiteral("--dataset"),
                m_data,
                QStringLiteral("--depths"),
                QStringLiteral("3"),
                QStringLiteral("--latents"),
                latents,
                QStringLiteral("--dropouts"),
                QStringLiteral("0"),
                QStringLiteral("--epochs"),
                QStringLiteral("1"),
                QStringLiteral("--threads"),
                QStringLiteral("2"),
                QStringLiteral("--jobs"), // one run at a time with both threads, as each sweep-cell below
                QStringLiteral("1"),
                QStringLiteral("--out"),
                out};
    }
    QString csvRows(const QString &dir) const;
    QTemporaryDir m_dir;
    QString m_data;
};

void TestCluster::initTestCase()
{
    m_data = m_dir.filePath(QStringLiteral("data"));
    writeDataset(m_data, 480, 40, true);
}

QString TestCluster::csvRows(const QString &dir) const
{
    QFile f(QDir(dir).filePath(QStringLiteral("results.csv")));
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

// The plan written by --slurm --dry-run, run cell by cell through sweep-cell and collected, gives the table a local
// sweep of the same grid gives.
void TestCluster::planCellsAndCollectMatchALocalSweep()
{
    const QString cells = m_dir.filePath(QStringLiteral("cells"));
    CliResult r = cli(grid(cells) << QStringLiteral("--slurm") << QStringLiteral("--dry-run"));
    QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
    QVERIFY2(r.out.contains(QStringLiteral("dry run: nothing submitted")), qPrintable(r.out));
    QFile planFile(QDir(cells).filePath(QStringLiteral("plan.json")));
    QVERIFY(planFile.open(QIODevice::ReadOnly));
    const QJsonObject plan = QJsonDocument::fromJson(planFile.readAll()).object();
    const QJsonArray planCells = plan[QStringLiteral("cells")].toArray();
    QCOMPARE(planCells.size(), 2);
    QCOMPARE(planCells[1].toObject()[QStringLiteral("name")].toString(), QStringLiteral("d3-l6-p0-wd0"));
    QCOMPARE(planCells[1].toObject()[QStringLiteral("recipe")].toObject()[QStringLiteral("latent")].toInt(), 6);
    QVERIFY(!QFileInfo::exists(QDir(cells).filePath(QStringLiteral("d3-l4-p0-wd0")))); // nothing trained yet

    for (int i = 0; i < 2; ++i) {
        r = cli({QStringLiteral("sweep-cell"), QStringLiteral("--plan"), planFile.fileName(), QStringLiteral("--index"),
                 QString::number(i), QStringLiteral("--threads"), QStringLiteral("2")});
        QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
        QVERIFY2(r.out.contains(QStringLiteral("cell %1 (").arg(i)) && r.out.contains(QStringLiteral(" done: ")),
                 qPrintable(r.out));
    }
    r = cli({QStringLiteral("sweep-collect"), cells});
    QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
    QVERIFY2(r.out.contains(QStringLiteral("2 of 2 cells finished")), qPrintable(r.out));
    QVERIFY(QFileInfo::exists(QDir(cells).filePath(QStringLiteral("table.md"))));

    // The same grid run here, the usual way.
    const QString local = m_dir.filePath(QStringLiteral("local"));
    r = cli(grid(local));
    QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
    QVERIFY(QFileInfo::exists(QDir(local).filePath(QStringLiteral("plan.json")))); // a local sweep is planned too
    const QStringList a = csvRows(cells).trimmed().split(QLatin1Char('\n'));
    const QStringList b = csvRows(local).trimmed().split(QLatin1Char('\n'));
    QCOMPARE(a.size(), 3);
    QCOMPARE(a.size(), b.size());
    QCOMPARE(a[0], b[0]);
    for (int i = 1; i < a.size(); ++i) {
        const QStringList x = a[i].split(QLatin1Char(',')), y = b[i].split(QLatin1Char(','));
        QCOMPARE(x.mid(0, 8), y.mid(0, 8)); // name, model, epochs, best epoch
        // The same seed, data and threads: the same numbers.
        QCOMPARE(x[8], y[8]);
    }
}

void TestCluster::finishedCellIsANoOp()
{
    const QString dir = m_dir.filePath(QStringLiteral("cells"));
    const QString plan = QDir(dir).filePath(QStringLiteral("plan.json"));
    const QString checkpoint = QDir(dir).filePath(QStringLiteral("d3-l4-p0-wd0/checkpoint.aes"));
    const QDateTime before = QFileInfo(checkpoint).lastModified();
    QVERIFY(before.isValid());
    QElapsedTimer timer;
    timer.start();
    const CliResult r = cli(
        {QStringLiteral("sweep-cell"), QStringLiteral("--plan"), plan, QStringLiteral("--index"), QStringLiteral("0")});
    QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
    QVERIFY2(r.out.contains(QStringLiteral("already done")), qPrintable(r.out));
    QVERIFY2(!r.out.contains(QStringLiteral("epoch 1:")), qPrintable(r.out));
    QCOMPARE(QFileInfo(checkpoint).lastModified(), before);
    qInfo("a finished cell returned in %lld ms", static_cast<long long>(timer.elapsed()));
}

void TestCluster::collectNamesMissingCells()
{
    const QString dir = m_dir.filePath(QStringLiteral("partial"));
    CliResult r = cli(grid(dir, QStringLiteral("4,6,8")) << QStringLiteral("--slurm") << QStringLiteral("--dry-run"));
    QVERIFY2(r.code == 0, qPrintable(r.err));
    r = cli({QStringLiteral("sweep-cell"), QStringLiteral("--plan"), QDir(dir).filePath(QStringLiteral("plan.json")),
             QStringLiteral("--index"), QStringLiteral("1")});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    r = cli({QStringLiteral("sweep-collect"), dir});
    QCOMPARE(r.code, 1); // cells are missing
    QVERIFY2(r.out.contains(QStringLiteral("1 of 3 cells finished")), qPrintable(r.out));
    QVERIFY2(r.out.contains(QStringLiteral("missing: cell 0 d3-l4-p0-wd0: queued")), qPrintable(r.out));
    QVERIFY2(r.out.contains(QStringLiteral("missing: cell 2 d3-l8-p0-wd0: queued")), qPrintable(r.out));
    QCOMPARE(csvRows(dir).trimmed().split(QLatin1Char('\n')).size(), 2); // header + the finished cell
    r = cli({QStringLiteral("sweep-collect"), dir, QStringLiteral("--partial")});
    QCOMPARE(r.code, 0);
    r = cli({QStringLiteral("sweep-status"), dir});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(QStringLiteral("1 done, 0 running, 2 queued, 0 failed")), qPrintable(r.out));
}

// kill -9 in the middle of a cell (a preempted node): the next run of that cell resumes after its last epoch.
void TestCluster::killedCellResumes()
{
    const QString dir = m_dir.filePath(QStringLiteral("killed"));
    QStringList args = grid(dir, QStringLiteral("5"));
    args[args.indexOf(QStringLiteral("--epochs")) + 1] = QStringLiteral("40");
    CliResult r = cli(args << QStringLiteral("--slurm") << QStringLiteral("--dry-run"));
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const QStringList cellArgs{
        QStringLiteral("sweep-cell"), QStringLiteral("--plan"), QDir(dir).filePath(QStringLiteral("plan.json")),
        QStringLiteral("--index"),    QStringLiteral("0"),      QStringLiteral("--threads"),
        QStringLiteral("2")};
    QProcess victim;
    victim.start(QStringLiteral(AESTUDIO_CLI_PATH), cellArgs);
    QString seen;
    QTRY_VERIFY_WITH_TIMEOUT(
        (seen += QString::fromUtf8(victim.readAllStandardOutput())).contains(QStringLiteral("epoch 2:")), 60000);
    victim.kill(); // SIGKILL: no chance to tidy up
    victim.waitForFinished();
    r = cli({QStringLiteral("sweep-status"), dir});
    QVERIFY2(r.out.contains(QStringLiteral("stopped")), qPrintable(r.out)); // run.json says running, pid is gone
    r = cli(cellArgs, 300000);
    QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
    QVERIFY2(!r.out.contains(QStringLiteral("epoch 1:")) && !r.out.contains(QStringLiteral("epoch 2:")),
             qPrintable(r.out)); // resumed, not restarted
    QVERIFY2(r.out.contains(QStringLiteral("epoch 40:")) && r.out.contains(QStringLiteral(" done: ")),
             qPrintable(r.out));
    QFile metrics(QDir(dir).filePath(QStringLiteral("d3-l5-p0-wd0/metrics.csv")));
    QVERIFY(metrics.open(QIODevice::ReadOnly));
    QCOMPARE(metrics.readAll().trimmed().split('\n').size(), 41); // every epoch once
}

void TestCluster::slurmScriptsMatchTheGoldenFiles()
{
    const QString dir = m_dir.filePath(QStringLiteral("golden"));
    const CliResult r
        = cli(grid(dir, QStringLiteral("4,6,8,10"))
              << QStringLiteral("--slurm") << QStringLiteral("--dry-run") << QStringLiteral("--partition")
              << QStringLiteral("short") << QStringLiteral("--time") << QStringLiteral("00:30:00")
              << QStringLiteral("--cpus-per-task") << QStringLiteral("4") << QStringLiteral("--max-parallel")
              << QStringLiteral("2") << QStringLiteral("--sbatch-arg") << QStringLiteral("--mem=2G"));
    QVERIFY2(r.code == 0, qPrintable(r.err));
    for (const char *name : {"sweep.sbatch", "collect.sbatch"}) {
        QFile made(QDir(dir).filePath(QStringLiteral("slurm/") + QLatin1String(name)));
        QVERIFY(made.open(QIODevice::ReadOnly));
        QVERIFY(made.permissions() & QFile::ExeOwner);
        QString text = QString::fromUtf8(made.readAll());
        text.replace(QDir(dir).absolutePath(), QStringLiteral("@DIR@"));
        text.replace(QStringLiteral(AESTUDIO_CLI_PATH), QStringLiteral("@CLI@"));
        QFile golden(QStringLiteral(AESTUDIO_SOURCE_DIR "/tests/core/golden/") + QLatin1String(name));
        QVERIFY2(golden.open(QIODevice::ReadOnly), qPrintable(golden.fileName()));
        QCOMPARE(text, QString::fromUtf8(golden.readAll()));
    }
}

void TestCluster::slurmWithoutSbatchSaysSo()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PATH"), m_dir.filePath(QStringLiteral("empty-path")));
    const CliResult r = cli(grid(m_dir.filePath(QStringLiteral("nosbatch"))) << QStringLiteral("--slurm"), 60000, env);
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains(QStringLiteral("sbatch")) && r.err.contains(QStringLiteral("not on PATH")),
             qPrintable(r.err));
    QCOMPARE(r.err.trimmed().count(QLatin1Char('\n')), 0);
}

void TestCluster::badPlanOrIndexIsRefused()
{
    const QString plan = QDir(m_dir.filePath(QStringLiteral("cells"))).filePath(QStringLiteral("plan.json"));
    CliResult r = cli(
        {QStringLiteral("sweep-cell"), QStringLiteral("--plan"), plan, QStringLiteral("--index"), QStringLiteral("7")});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains(QStringLiteral("cell 7 is not in the plan")), qPrintable(r.err));
    const QString bad = m_dir.filePath(QStringLiteral("bad-plan.json"));
    writeBytes(bad,
               QByteArray("{\"format\": \"aestudio-sweep-plan\", \"version\": 1, \"cells\": [{\"index\": 0, "
                          "\"name\": \"../escape\", \"recipe\": {}}]}"));
    r = cli(
        {QStringLiteral("sweep-cell"), QStringLiteral("--plan"), bad, QStringLiteral("--index"), QStringLiteral("0")});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains(QStringLiteral("bad index or folder name")), qPrintable(r.err));
    r = cli({QStringLiteral("sweep-collect"), m_dir.filePath(QStringLiteral("nowhere"))});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains(QStringLiteral("holds no sweep plan")), qPrintable(r.err));
}

QTEST_GUILESS_MAIN(TestCluster)
#include "tst_cluster.moc"
