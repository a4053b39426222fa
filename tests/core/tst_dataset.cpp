// Dataset lookup, the seeded train/validation split, and the config recipe that records a run.
#include "DatasetCatalog.h"
#include "Errors.h"
#include "RunFiles.h"
#include "TinyIdx.h"
#include "TrainingConfig.h"

#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>

#include <set>

using namespace aestudio;
using namespace aestudio::testing;

class TestDataset : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void locatesKnownNameThroughEnvironment();
    void unknownFolderExplainsWhatIsMissing();
    void splitIsDeterministicAndDisjoint();
    void limitCapsTrainingImages();
    void fashionMnistDefaultSplit();
    void configJsonRoundTrip();
    void badConfigValuesAreRejected_data();
    void badConfigValuesAreRejected();
    void metricsCsvUsesCLocale();
    void durationsFormat();
};

void TestDataset::locatesKnownNameThroughEnvironment()
{
    QTemporaryDir root;
    writeDataset(root.filePath(QStringLiteral("mnist")), 30, 10, true);
    qputenv("AESTUDIO_DATA_DIR", root.path().toUtf8());
    const DatasetLocation loc = DatasetCatalog::locate(QStringLiteral("mnist"));
    qunsetenv("AESTUDIO_DATA_DIR");
    QVERIFY(loc.found());
    QCOMPARE(loc.directory, root.filePath(QStringLiteral("mnist")));
    QVERIFY(!DatasetCatalog::searchDirectories(QStringLiteral("mnist"))
                 .contains(QStringLiteral("/usr/share/datasets/mnist")));
    QVERIFY(DatasetCatalog::searchDirectories(QStringLiteral("fashion-mnist"))
                .contains(QStringLiteral("/usr/share/datasets/fashion-mnist")));
}

void TestDataset::unknownFolderExplainsWhatIsMissing()
{
    try {
        DatasetCatalog::load(QStringLiteral("/nonexistent/folder"), {});
        QFAIL("loaded a folder that does not exist");
    } catch (const DatasetError &e) {
        QVERIFY2(e.message().contains(QStringLiteral("/nonexistent/folder")), qPrintable(e.message()));
    }
}

void TestDataset::splitIsDeterministicAndDisjoint()
{
    QTemporaryDir dir;
    writeDataset(dir.path(), 120, 30, false);
    const DatasetSplit a = DatasetCatalog::load(dir.path(), {1.0 / 6.0, 7, 0});
    const DatasetSplit b = DatasetCatalog::load(dir.path(), {1.0 / 6.0, 7, 0});
    const DatasetSplit c = DatasetCatalog::load(dir.path(), {1.0 / 6.0, 8, 0});
    QCOMPARE(a.validation.count(), 20);
    QCOMPARE(a.train.count(), 100);
    QCOMPARE(a.test.count(), 30);
    QVERIFY(a.train.pixels == b.train.pixels);
    QVERIFY(a.validation.pixels == b.validation.pixels);
    QVERIFY(a.validation.pixels != c.validation.pixels);
    // The split is a partition: every official image lands in exactly one part.
    std::multiset<std::vector<std::uint8_t>> parts;
    for (const ImageSet *set : {&a.train, &a.validation})
        for (int i = 0; i < set->count(); ++i)
            parts.insert(std::vector<std::uint8_t>(set->image(i), set->image(i) + kPixelsPerImage));
    const auto official = syntheticImages(120, 1, nullptr);
    std::multiset<std::vector<std::uint8_t>> all;
    for (int i = 0; i < 120; ++i)
        all.insert(std::vector<std::uint8_t>(official.begin() + i * 784, official.begin() + (i + 1) * 784));
    QVERIFY(parts == all);
}

void TestDataset::limitCapsTrainingImages()
{
    QTemporaryDir dir;
    writeDataset(dir.path(), 120, 30, true);
    const DatasetSplit s = DatasetCatalog::load(dir.path(), {1.0 / 6.0, 0, 60});
    QCOMPARE(s.train.count() + s.validation.count(), 60);
    QCOMPARE(s.validation.count(), 10);
    QCOMPARE(s.test.count(), 30);
}

void TestDataset::fashionMnistDefaultSplit()
{
    if (!DatasetCatalog::locate(QStringLiteral("fashion-mnist")).found())
        QSKIP("Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
    const DatasetSplit s = DatasetCatalog::load(QStringLiteral("fashion-mnist"), {});
    QCOMPARE(s.train.count(), 50000);
    QCOMPARE(s.validation.count(), 10000);
    QCOMPARE(s.test.count(), 10000);
}

void TestDataset::configJsonRoundTrip()
{
    TrainingConfig c;
    c.dataset = QStringLiteral("mnist");
    c.model.hidden = ModelSpec::hiddenForDepth(5);
    c.model.latent = 30;
    c.model.dropout = 0.2;
    c.noise = {NoiseType::SaltPepper, 0.3};
    c.weightDecay = 1e-5;
    c.epochs = 7;
    c.seed = 18446744073709551615ull;
    const TrainingConfig d = TrainingConfig::fromJson(c.toJson());
    QCOMPARE(d.toJson(), c.toJson());
    QCOMPARE(d.seed, c.seed);
    QCOMPARE(d.model.describe(), QStringLiteral("784-512-256-128-64-30"));
}

void TestDataset::badConfigValuesAreRejected_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QJsonValue>("value");
    QTest::addRow("dropout 1") << QStringLiteral("dropout") << QJsonValue(1.0);
    QTest::addRow("latent 0") << QStringLiteral("latent") << QJsonValue(0);
    QTest::addRow("epochs 0") << QStringLiteral("epochs") << QJsonValue(0);
    QTest::addRow("lr negative") << QStringLiteral("lr") << QJsonValue(-1.0);
    QTest::addRow("noise type") << QStringLiteral("noise_type") << QJsonValue(QStringLiteral("pink"));
    QTest::addRow("seed text") << QStringLiteral("seed") << QJsonValue(QStringLiteral("abc"));
    QTest::addRow("device") << QStringLiteral("device") << QJsonValue(QStringLiteral("tpu"));
}

void TestDataset::badConfigValuesAreRejected()
{
    QFETCH(QString, key);
    QFETCH(QJsonValue, value);
    QJsonObject json = TrainingConfig().toJson();
    json.insert(key, value);
    QVERIFY_THROWS_EXCEPTION(ConfigError, TrainingConfig::fromJson(json));
}

void TestDataset::metricsCsvUsesCLocale()
{
    QLocale::setDefault(QLocale(QLocale::German));
    EpochMetrics m;
    m.epoch = 1;
    m.trainLoss = 0.5;
    m.valLoss = 0.25;
    m.valPsnrDb = 6.0206;
    m.seconds = 1.5;
    const QByteArray csv = RunFiles::metricsCsv({m, m});
    QLocale::setDefault(QLocale::c());
    const QList<QByteArray> lines = csv.trimmed().split('\n');
    QCOMPARE(lines.size(), 3);
    QCOMPARE(lines[0], QByteArray("epoch,train_loss,val_loss,val_psnr_mean_db,val_psnr_global_db,noisy_psnr_mean_db,seconds"));
    QCOMPARE(lines[1], QByteArray("1,0.5,0.25,6.0206,0.0000,0.0000,1.500"));
}

void TestDataset::durationsFormat()
{
    QCOMPARE(formatDuration(245), QStringLiteral("4:05"));
    QCOMPARE(formatDuration(3723), QStringLiteral("1:02:03"));
    QCOMPARE(formatDuration(-3), QStringLiteral("0:00"));
}

QTEST_GUILESS_MAIN(TestDataset)
#include "tst_dataset.moc"
