// aestudio-cli end to end, as a user runs it: a small training run writes every promised file, eval reads the
// checkpoint back, and bad input ends with one clear line and a non-zero exit, never a crash.
#include "RunRecord.h"
#include "CliProcess.h"
#include "SystemInfo.h"
#include "TinyIdx.h"

#include <QDir>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

using namespace aestudio::testing;

class TestCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void trainWritesEveryFile();
    void evalReadsTheCheckpoint();
    void resumeExtendsTheRun();
    void trainWithoutOutKeepsTheRun();
    void threadsAboveTheHardwareAreClamped();
    void realMnistSubsetTrains();
    void badInputGivesOneLine_data();
    void badInputGivesOneLine();
    void infoListsBlasAndDatasets();
    void recipeTrainsAndOptionsOverrideIt();
    void badRecipesAreRefusedByName_data();
    void badRecipesAreRefusedByName();
    void shippedRecipesAreValid();

private:
    using Result = CliResult;
    Result cli(const QStringList &args, int timeoutMs = 120000)
    {
        return runCli(QStringLiteral(AESTUDIO_CLI_PATH), args, timeoutMs);
    }
    QTemporaryDir m_dir;
    QString m_data, m_run;
};

void TestCli::initTestCase()
{
    m_data = m_dir.filePath(QStringLiteral("data"));
    m_run = m_dir.filePath(QStringLiteral("run"));
    writeDataset(m_data, 360, 40, true);
    // Runs without --out go to the runs folder; never the real ~/.local/share in a test.
    qputenv("AESTUDIO_RUNS_DIR", m_dir.filePath(QStringLiteral("runs")).toLocal8Bit());
}

void TestCli::trainWritesEveryFile()
{
    const Result r
        = cli({QStringLiteral("train"), QStringLiteral("--dataset"), m_data, QStringLiteral("--depth"),
               QStringLiteral("3"), QStringLiteral("--latent"), QStringLiteral("15"), QStringLiteral("--dropout"),
               QStringLiteral("0.2"), QStringLiteral("--noise"), QStringLiteral("0.5"), QStringLiteral("--epochs"),
               QStringLiteral("2"), QStringLiteral("--batch-size"), QStringLiteral("32"), QStringLiteral("--threads"),
               QStringLiteral("2"), QStringLiteral("--out"), m_run});
    QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
    QVERIFY2(r.out.contains(QStringLiteral("epoch 1: train_loss")), qPrintable(r.out));
    QVERIFY2(r.out.contains(QStringLiteral("epoch 2: train_loss")), qPrintable(r.out));
    QVERIFY2(QRegularExpression(QStringLiteral("noisy input \\d+\\.\\d\\d dB\\)")).match(r.out).hasMatch(),
             qPrintable(r.out));
    QVERIFY2(!r.out.contains(QStringLiteral("clean input")), qPrintable(r.out));
    const QDir run(m_run);
    for (const char *name : {"config.json", "metrics.csv", "checkpoint.aes", "best.aes", "grid.png"})
        QVERIFY2(run.exists(QString::fromLatin1(name)), name);

    QFile csv(run.filePath(QStringLiteral("metrics.csv")));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = csv.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), 3);
    QCOMPARE(lines[0],
             QByteArray("epoch,train_loss,val_loss,val_psnr_mean_db,val_psnr_global_db,noisy_psnr_mean_db,seconds"));
    QCOMPARE(lines[2].split(',').size(), 7);
    QVERIFY(lines[2].startsWith("2,"));

    QFile cfg(run.filePath(QStringLiteral("config.json")));
    QVERIFY(cfg.open(QIODevice::ReadOnly));
    const QJsonObject recipe = QJsonDocument::fromJson(cfg.readAll()).object();
    QCOMPARE(recipe[QStringLiteral("config")].toObject()[QStringLiteral("latent")].toInt(), 15);
    QCOMPARE(recipe[QStringLiteral("config")].toObject()[QStringLiteral("noise")].toDouble(), 0.5);
    const QJsonArray files = recipe[QStringLiteral("dataset")].toObject()[QStringLiteral("files")].toArray();
    QCOMPARE(files.size(), 4);
    QCOMPARE(files[0].toObject()[QStringLiteral("sha256")].toString().size(), 64);
    QVERIFY(!recipe[QStringLiteral("system")].toObject()[QStringLiteral("torch")].toString().isEmpty());

    const QImage grid(run.filePath(QStringLiteral("grid.png")));
    QCOMPARE(grid.size(), QSize(16 * 28 * 4, 3 * 28 * 4));
    // Rows differ: the noisy row is not the original row.
    QVERIFY(grid.copy(0, 0, grid.width(), 112) != grid.copy(0, 112, grid.width(), 112));
}

void TestCli::evalReadsTheCheckpoint()
{
    const QString grid = m_dir.filePath(QStringLiteral("eval-grid.png"));
    const Result r
        = cli({QStringLiteral("eval"), QStringLiteral("--checkpoint"), QDir(m_run).filePath(QStringLiteral("best.aes")),
               QStringLiteral("--noise"), QStringLiteral("0.2"), QStringLiteral("--grid"), grid});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains(QStringLiteral("test set")) && r.out.contains(QStringLiteral("40 images")),
             qPrintable(r.out));
    QVERIFY(r.out.contains(QStringLiteral("psnr_global_db")));
    QVERIFY2(QRegularExpression(QStringLiteral("\\ngain_db -?\\d+\\.\\d{3}\\n")).match(r.out).hasMatch(),
             qPrintable(r.out));
    QCOMPARE(QImage(grid).size(), QSize(16 * 28 * 4, 3 * 28 * 4));

    // Clean inputs: no noisy-input PSNR (it would be the 100 dB floor) and no "gain" over it.
    const Result clean
        = cli({QStringLiteral("eval"), QStringLiteral("--checkpoint"), QDir(m_run).filePath(QStringLiteral("best.aes")),
               QStringLiteral("--noise"), QStringLiteral("0")});
    QVERIFY2(clean.code == 0, qPrintable(clean.err));
    QVERIFY2(clean.out.contains(QStringLiteral("\npsnr_mean_db ")), qPrintable(clean.out));
    QVERIFY2(!clean.out.contains(QStringLiteral("noisy_psnr")) && !clean.out.contains(QStringLiteral("gain_db")),
             qPrintable(clean.out));
}

void TestCli::resumeExtendsTheRun()
{
    const Result r = cli({QStringLiteral("train"), QStringLiteral("--resume"),
                          QDir(m_run).filePath(QStringLiteral("checkpoint.aes")), QStringLiteral("--epochs"),
                          QStringLiteral("3"), QStringLiteral("--out"), m_run});
    QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
    QVERIFY2(r.out.contains(QStringLiteral("epoch 3: train_loss")) && !r.out.contains(QStringLiteral("epoch 1:")),
             qPrintable(r.out));
    QFile csv(QDir(m_run).filePath(QStringLiteral("metrics.csv")));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    QCOMPARE(csv.readAll().trimmed().split('\n').size(), 4);
}

// No --out: a new dated folder under the runs root, named after the data and the model, with run.json saying how
// it ended; resuming its checkpoint continues in the same folder.
void TestCli::trainWithoutOutKeepsTheRun()
{
    const QDir root(m_dir.filePath(QStringLiteral("runs")));
    const Result r = cli({QStringLiteral("train"), QStringLiteral("--dataset"), m_data, QStringLiteral("--epochs"),
                          QStringLiteral("1"), QStringLiteral("--latent"), QStringLiteral("30"),
                          QStringLiteral("--name"), QStringLiteral("first try, über")});
    QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
    // No --noise: the inputs are the clean images, so no "noisy input 100.00 dB" (the PSNR floor) is reported.
    QVERIFY2(r.out.contains(QStringLiteral("dB, clean input)")), qPrintable(r.out));
    QVERIFY2(!r.out.contains(QStringLiteral("noisy input")), qPrintable(r.out));
    const QStringList runs = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    QCOMPARE(runs.size(), 1);
    QVERIFY2(QRegularExpression(QStringLiteral("^\\d{4}-\\d\\d-\\d\\d-\\d{6}-data-d3-l30-first-try-uber$"))
                 .match(runs[0])
                 .hasMatch(),
             qPrintable(runs[0]));
    const QDir run(root.filePath(runs[0]));
    // The Runs page lists it by the name as given (the folder's slug is ASCII, accents dropped).
    QCOMPARE(aestudio::RunRecord::read(run.path()).name, QStringLiteral("first try, über"));
    for (const char *name : {"config.json", "metrics.csv", "checkpoint.aes", "best.aes", "grid.png", "run.json"})
        QVERIFY2(run.exists(QString::fromLatin1(name)), name);
    QFile status(run.filePath(QStringLiteral("run.json")));
    QVERIFY(status.open(QIODevice::ReadOnly));
    QCOMPARE(QJsonDocument::fromJson(status.readAll()).object()[QStringLiteral("state")].toString(),
             QStringLiteral("finished"));

    const Result more
        = cli({QStringLiteral("train"), QStringLiteral("--resume"), run.filePath(QStringLiteral("checkpoint.aes")),
               QStringLiteral("--epochs"), QStringLiteral("2")});
    QVERIFY2(more.code == 0, qPrintable(more.err + more.out));
    QVERIFY2(!more.out.contains(QStringLiteral("note: the checkpoint trained at")), qPrintable(more.out));
    QCOMPARE(root.entryList(QDir::Dirs | QDir::NoDotAndDotDot).size(), 1);
    QFile csv(run.filePath(QStringLiteral("metrics.csv")));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    QCOMPARE(csv.readAll().trimmed().split('\n').size(), 3);
    // Continued at another noise: said, since the validation losses before and after are not comparable.
    const Result noisier
        = cli({QStringLiteral("train"), QStringLiteral("--resume"), run.filePath(QStringLiteral("checkpoint.aes")),
               QStringLiteral("--epochs"), QStringLiteral("3"), QStringLiteral("--noise"), QStringLiteral("0.4")});
    QVERIFY2(noisier.code == 0, qPrintable(noisier.err + noisier.out));
    QVERIFY2(noisier.out.contains(QStringLiteral("note: the checkpoint trained at no noise and continues at "
                                                 "gaussian 0.40")),
             qPrintable(noisier.out));
}

// 1000 threads made a run 11x slower: more than the hardware has is clamped, said once, and recorded as used.
void TestCli::threadsAboveTheHardwareAreClamped()
{
    const QString out = m_dir.filePath(QStringLiteral("threads-run"));
    const Result r
        = cli({QStringLiteral("train"), QStringLiteral("--dataset"), m_data, QStringLiteral("--epochs"),
               QStringLiteral("1"), QStringLiteral("--threads"), QStringLiteral("1000"), QStringLiteral("--out"), out});
    QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
    const int hardware = QThread::idealThreadCount();
    QVERIFY2(
        r.err.contains(QStringLiteral("--threads 1000 is more than the %1 hardware threads; using %1").arg(hardware)),
        qPrintable(r.err));
    QFile cfg(QDir(out).filePath(QStringLiteral("config.json")));
    QVERIFY(cfg.open(QIODevice::ReadOnly));
    const QJsonObject recipe = QJsonDocument::fromJson(cfg.readAll()).object();
    QCOMPARE(recipe[QStringLiteral("config")].toObject()[QStringLiteral("threads")].toInt(), hardware);
}

void TestCli::realMnistSubsetTrains()
{
    const QString shared = qEnvironmentVariable("AESTUDIO_SHARED_DIR");
    if (shared.isEmpty())
        QSKIP("AESTUDIO_SHARED_DIR is not set (./run tests sets it when ../shared exists); real-data check skipped");
    const QString subset = shared + QStringLiteral("/datasets/mnist-subset");
    if (!QFileInfo::exists(subset + QStringLiteral("/train-images-idx3-ubyte.gz")))
        QSKIP("$AESTUDIO_SHARED_DIR/datasets/mnist-subset is not present; real-data check skipped");
    const QString out = m_dir.filePath(QStringLiteral("mnist-run"));
    const Result r = cli({QStringLiteral("train"), QStringLiteral("--dataset"), subset, QStringLiteral("--limit"),
                          QStringLiteral("600"), QStringLiteral("--epochs"), QStringLiteral("1"),
                          QStringLiteral("--noise"), QStringLiteral("0.5"), QStringLiteral("--out"), out});
    QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
    QVERIFY2(r.out.contains(QStringLiteral("500 train / 100 validation / 2000 test")), qPrintable(r.out));
}

void TestCli::badInputGivesOneLine_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<QString>("setup");
    const QString corrupt = QStringLiteral("CORRUPT");
    QTest::addRow("corrupt IDX folder") << QStringList{QStringLiteral("train"), QStringLiteral("--dataset"), corrupt,
                                                       QStringLiteral("--out"), QStringLiteral("OUT")}
                                        << QStringLiteral("bad magic") << QStringLiteral("corrupt");
    QTest::addRow("missing folder") << QStringList{QStringLiteral("train"), QStringLiteral("--dataset"),
                                                   QStringLiteral("/no/such/folder"), QStringLiteral("--out"),
                                                   QStringLiteral("OUT")}
                                    << QStringLiteral("/no/such/folder") << QString();
    QTest::addRow("bad latent") << QStringList{QStringLiteral("train"), QStringLiteral("--latent"),
                                               QStringLiteral("abc"), QStringLiteral("--out"), QStringLiteral("OUT")}
                                << QStringLiteral("--latent 'abc'") << QString();
    QTest::addRow("bad depth") << QStringList{QStringLiteral("train"), QStringLiteral("--depth"), QStringLiteral("4"),
                                              QStringLiteral("--out"), QStringLiteral("OUT")}
                               << QStringLiteral("depth 4") << QString();
    QTest::addRow("dropout 1.5") << QStringList{QStringLiteral("train"), QStringLiteral("--dropout"),
                                                QStringLiteral("1.5"), QStringLiteral("--out"), QStringLiteral("OUT")}
                                 << QStringLiteral("dropout 1.5") << QString();
    QTest::addRow("garbage checkpoint") << QStringList{QStringLiteral("eval"), QStringLiteral("--checkpoint"),
                                                       QStringLiteral("GARBAGE")}
                                        << QStringLiteral("not an Autoencoder Studio checkpoint")
                                        << QStringLiteral("garbage");
    QTest::addRow("eval noise nan") << QStringList{QStringLiteral("eval"), QStringLiteral("--checkpoint"),
                                                   QStringLiteral("RUN/best.aes"), QStringLiteral("--noise"),
                                                   QStringLiteral("nan")}
                                    << QStringLiteral("noise level nan is out of range") << QString();
    QTest::addRow("eval noise -3") << QStringList{QStringLiteral("eval"), QStringLiteral("--checkpoint"),
                                                  QStringLiteral("RUN/best.aes"), QStringLiteral("--noise"),
                                                  QStringLiteral("-3")}
                                   << QStringLiteral("noise level -3 is out of range") << QString();
    QTest::addRow("robustness points unbounded")
        << QStringList{QStringLiteral("robustness"), QStringLiteral("--checkpoint"), QStringLiteral("RUN/best.aes"),
                       QStringLiteral("--points"),   QStringLiteral("100000000"),    QStringLiteral("--out"),
                       QStringLiteral("OUT.csv")}
        << QStringLiteral("--points 100000000") << QString();
    // Output into a folder that is not there: refused before any evaluation, not after it.
    QTest::addRow("eval grid in no folder")
        << QStringList{QStringLiteral("eval"), QStringLiteral("--checkpoint"), QStringLiteral("RUN/best.aes"),
                       QStringLiteral("--grid"), QStringLiteral("OUT/grid.png")}
        << QStringLiteral("does not exist") << QString();
    QTest::addRow("eval grid as text") << QStringList{QStringLiteral("eval"), QStringLiteral("--checkpoint"),
                                                      QStringLiteral("RUN/best.aes"), QStringLiteral("--grid"),
                                                      QStringLiteral("RUN/grid.txt")}
                                       << QStringLiteral("cannot write a .txt image") << QString();
    QTest::addRow("robustness out in no folder")
        << QStringList{QStringLiteral("robustness"), QStringLiteral("--checkpoint"), QStringLiteral("RUN/best.aes"),
                       QStringLiteral("--out"), QStringLiteral("OUT/curve.csv")}
        << QStringLiteral("does not exist") << QString();
    QTest::addRow("unknown option") << QStringList{QStringLiteral("train"), QStringLiteral("--bogus"),
                                                   QStringLiteral("--out"), QStringLiteral("OUT")}
                                    << QStringLiteral("Unknown option 'bogus'") << QString();
    QTest::addRow("missing value") << QStringList{QStringLiteral("train"), QStringLiteral("--out")}
                                   << QStringLiteral("Missing value after '--out'") << QString();
    QTest::addRow("out is another run") << QStringList{QStringLiteral("train"), QStringLiteral("--dataset"),
                                                       QStringLiteral("DATA"), QStringLiteral("--out"),
                                                       QStringLiteral("RUN")}
                                        << QStringLiteral("already holds a run") << QString();
    QTest::addRow("resume from best.aes")
        << QStringList{QStringLiteral("train"), QStringLiteral("--resume"), QStringLiteral("RUN/best.aes"),
                       QStringLiteral("--out"), QStringLiteral("OUT")}
        << QStringLiteral("weights only") << QString();
    QTest::addRow("sweep jobs 0") << QStringList{QStringLiteral("sweep"), QStringLiteral("--dataset"),
                                                 QStringLiteral("DATA"),  QStringLiteral("--jobs"),
                                                 QStringLiteral("0"),     QStringLiteral("--out"),
                                                 QStringLiteral("OUT")}
                                  << QStringLiteral("--jobs 0 must be auto or 1 or more") << QString();
    QTest::addRow("unknown command") << QStringList{QStringLiteral("fly")} << QStringLiteral("unknown command")
                                     << QString();
    if (aestudio::SystemInfo::resolveDevice(QStringLiteral("auto")) == QLatin1String("cpu"))
        QTest::addRow("cuda without a GPU")
            << QStringList{QStringLiteral("train"),    QStringLiteral("--dataset"), QStringLiteral("DATA"),
                           QStringLiteral("--device"), QStringLiteral("cuda"),      QStringLiteral("--out"),
                           QStringLiteral("OUT")}
            << QStringLiteral("no CUDA device is available") << QString();
    else
        qInfo("row \"cuda without a GPU\" left out: this machine has a CUDA device, so --device cuda trains");
}

void TestCli::badInputGivesOneLine()
{
    QFETCH(QStringList, args);
    QFETCH(QString, expected);
    QFETCH(QString, setup);
    const QString corruptDir = m_dir.filePath(QStringLiteral("corrupt"));
    const QString garbage = m_dir.filePath(QStringLiteral("garbage.aes"));
    if (setup == QLatin1String("corrupt")) {
        QDir().mkpath(corruptDir);
        for (const char *stem :
             {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"})
            writeBytes(QDir(corruptDir).filePath(QString::fromLatin1(stem)), QByteArray(1000, '\x42'));
    }
    if (setup == QLatin1String("garbage"))
        writeBytes(garbage, QByteArray(100, 'g'));
    args.replaceInStrings(QStringLiteral("CORRUPT"), corruptDir);
    args.replaceInStrings(QStringLiteral("GARBAGE"), garbage);
    args.replaceInStrings(QStringLiteral("OUT"), m_dir.filePath(QStringLiteral("never")));
    args.replaceInStrings(QStringLiteral("RUN"), m_run);
    args.replaceInStrings(QStringLiteral("DATA"), m_data);
    const Result r = cli(args);
    QVERIFY2(r.code > 0, qPrintable(QStringLiteral("exit %1: %2").arg(r.code).arg(r.err)));
    if (QTest::currentDataTag() == QByteArrayLiteral("unknown option")
        || QTest::currentDataTag() == QByteArrayLiteral("missing value"))
        QCOMPARE(r.code, 2); // usage errors exit 2, like every configuration error
    const QStringList lines = r.err.trimmed().split(QLatin1Char('\n'));
    QVERIFY2(lines.size() == 1 || args.first() == QLatin1String("fly"), qPrintable(r.err));
    QVERIFY2(lines.first().contains(expected), qPrintable(r.err));
    QVERIFY(!r.err.contains(QStringLiteral("terminate called")));
    // Refused input writes nothing, not even the run folder it named.
    QVERIFY2(!QFileInfo::exists(m_dir.filePath(QStringLiteral("never"))), "a refused command left its --out folder");
}

void TestCli::infoListsBlasAndDatasets()
{
    const Result r = cli({QStringLiteral("info")});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(QStringLiteral("BLAS: ")), qPrintable(r.out));
    QVERIFY(r.out.contains(QStringLiteral("libtorch 1.")) || r.out.contains(QStringLiteral("libtorch 2.")));
    QVERIFY(r.out.contains(QStringLiteral("fashion-mnist")) && r.out.contains(QStringLiteral("mnist")));
}

// A recipe is the base of a run's settings; options on the command line win over it.
void TestCli::recipeTrainsAndOptionsOverrideIt()
{
    const QString recipe = m_dir.filePath(QStringLiteral("mine.json"));
    writeBytes(recipe,
               QStringLiteral("{\"name\": \"tiny\", \"dataset\": \"%1\", \"hidden\": [64, 32], "
                              "\"latent\": 7, \"noise\": 0.25, \"epochs\": 1, \"batch_size\": 32, "
                              "\"seed\": 3}")
                   .arg(m_data)
                   .toUtf8());
    const QString out = m_dir.filePath(QStringLiteral("recipe-run"));
    const Result r
        = cli({QStringLiteral("train"), QStringLiteral("--recipe"), recipe, QStringLiteral("--latent"),
               QStringLiteral("9"), QStringLiteral("--threads"), QStringLiteral("2"), QStringLiteral("--out"), out});
    QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
    QVERIFY2(r.out.contains(QStringLiteral("784-64-32-9")), qPrintable(r.out)); // the recipe's layers, our latent
    QFile cfg(QDir(out).filePath(QStringLiteral("config.json")));
    QVERIFY(cfg.open(QIODevice::ReadOnly));
    const QJsonObject config = QJsonDocument::fromJson(cfg.readAll()).object()[QStringLiteral("config")].toObject();
    QCOMPARE(config[QStringLiteral("noise")].toDouble(), 0.25);
    QCOMPARE(config[QStringLiteral("seed")].toString(), QStringLiteral("3"));
    QCOMPARE(config[QStringLiteral("epochs")].toInt(), 1);
    // And --recipe with --resume is refused, since a resume keeps its checkpoint's settings.
    const Result both = cli({QStringLiteral("train"), QStringLiteral("--recipe"), recipe, QStringLiteral("--resume"),
                             QDir(out).filePath(QStringLiteral("checkpoint.aes"))});
    QCOMPARE(both.code, 2);
    QVERIFY2(both.err.contains(QStringLiteral("cannot be combined")), qPrintable(both.err));
}

void TestCli::badRecipesAreRefusedByName_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected");
    QTest::addRow("not json") << QByteArray("latent = 15") << QStringLiteral("not JSON");
    QTest::addRow("array") << QByteArray("[1, 2]") << QStringLiteral("JSON object");
    QTest::addRow("typo") << QByteArray("{\"latnet\": 15}") << QStringLiteral("unknown setting 'latnet'");
    QTest::addRow("string latent") << QByteArray("{\"latent\": \"15\"}")
                                   << QStringLiteral("'latent' must be a whole number");
    QTest::addRow("fraction epochs") << QByteArray("{\"epochs\": 2.5}")
                                     << QStringLiteral("'epochs' must be a whole number");
    QTest::addRow("hidden not list") << QByteArray("{\"hidden\": 256}") << QStringLiteral("list of layer widths");
    QTest::addRow("dropout out of range") << QByteArray("{\"dropout\": 3}") << QStringLiteral("dropout 3");
    QTest::addRow("negative seed") << QByteArray("{\"seed\": -1}") << QStringLiteral("'seed' must be");
    QTest::addRow("huge") << QByteArray(70000, ' ') << QStringLiteral("too large");
}

void TestCli::badRecipesAreRefusedByName()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    const QString recipe = m_dir.filePath(QStringLiteral("bad-recipe.json"));
    writeBytes(recipe, content);
    const QString out = m_dir.filePath(QStringLiteral("never-from-a-recipe"));
    const Result r = cli({QStringLiteral("train"), QStringLiteral("--recipe"), recipe, QStringLiteral("--out"), out});
    QCOMPARE(r.code, 2);
    const QStringList lines = r.err.trimmed().split(QLatin1Char('\n'));
    QCOMPARE(lines.size(), 1);
    QVERIFY2(lines.first().contains(recipe + QStringLiteral(": ")), qPrintable(r.err));
    QVERIFY2(lines.first().contains(expected), qPrintable(r.err));
    QVERIFY(!QFileInfo::exists(out)); // refused before anything is written
}

// Every recipe shipped in resources/recipes loads, and `info` lists them (a build tree finds them beside the sources).
void TestCli::shippedRecipesAreValid()
{
    const Result r = cli({QStringLiteral("info")});
    QCOMPARE(r.code, 0);
    const QDir shipped(QStringLiteral(AESTUDIO_SOURCE_DIR "/resources/recipes"));
    const QStringList files = shipped.entryList({QStringLiteral("*.json")}, QDir::Files);
    QVERIFY(files.size() >= 4);
    for (const QString &f : files)
        QVERIFY2(r.out.contains(shipped.filePath(f)), qPrintable(f + QStringLiteral(" not listed:\n") + r.out));
    QVERIFY(r.out.contains(QStringLiteral("Seed study: denoising Fashion-MNIST")));
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
