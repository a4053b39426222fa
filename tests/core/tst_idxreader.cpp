// IDX parsing: every header field is checked against the payload, and each bad file is rejected with a message
// that names the file and the fault.
#include "DatasetCatalog.h"
#include "Errors.h"
#include "IdxReader.h"
#include "TinyIdx.h"

#include <QTemporaryDir>

#include <functional>
#include <QtTest>

using namespace aestudio;
using namespace aestudio::testing;

class TestIdxReader : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void goodFiles_data();
    void goodFiles();
    void badImageFiles_data();
    void badImageFiles();
    void badLabelFiles_data();
    void badLabelFiles();
    void imageLabelCountMismatch();
    void limitReadsOnlyThePrefix();
    void limitStillChecksTheCounts();
    void missingFileInFolder();

private:
    // Writes the row's bytes and checks that `read` rejects them with a message naming the file and the fault.
    void expectRejected(const std::function<void(const QString &)> &read)
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        const QString tag = QString::fromLatin1(QTest::currentTestFunction()) + QLatin1Char('-')
            + QString::fromLatin1(QTest::currentDataTag()).replace(QLatin1Char(' '), QLatin1Char('_'));
        const QString path = write(tag, bytes);
        try {
            read(path);
            QFAIL("a bad file was accepted");
        } catch (const DatasetError &e) {
            QVERIFY2(e.message().contains(path), qPrintable(e.message()));
            QVERIFY2(e.message().contains(expected, Qt::CaseInsensitive), qPrintable(e.message()));
        }
    }
    QTemporaryDir m_dir;
    QString write(const QString &name, const QByteArray &bytes)
    {
        const QString path = m_dir.filePath(name);
        writeBytes(path, bytes);
        return path;
    }
};

static std::vector<std::uint8_t> ramp(int count)
{
    std::vector<std::uint8_t> px(std::size_t(count) * 784);
    for (std::size_t i = 0; i < px.size(); ++i)
        px[i] = std::uint8_t(i * 7);
    return px;
}

void TestIdxReader::goodFiles_data()
{
    QTest::addColumn<bool>("gz");
    QTest::addColumn<int>("count");
    QTest::addRow("raw, 3 images") << false << 3;
    QTest::addRow("gz, 5 images") << true << 5;
    QTest::addRow("raw, empty set") << false << 0;
}

void TestIdxReader::goodFiles()
{
    QFETCH(bool, gz);
    QFETCH(int, count);
    const auto px = ramp(count);
    const QByteArray raw = idxImagesBytes(px, count);
    const QString path = write(QStringLiteral("good-%1-%2").arg(gz).arg(count), gz ? gzip(raw) : raw);
    const IdxImages images = IdxReader::readImages(path);
    QCOMPARE(images.count, count);
    QCOMPARE(images.pixels.size(), std::size_t(count) * kPixelsPerImage);
    QVERIFY(images.pixels == px);

    std::vector<std::uint8_t> labels(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i)
        labels[std::size_t(i)] = std::uint8_t(i % 10);
    const QByteArray rawLabels = idxLabelsBytes(labels);
    const QString lpath = write(QStringLiteral("labels-%1-%2").arg(gz).arg(count), gz ? gzip(rawLabels) : rawLabels);
    QVERIFY(IdxReader::readLabels(lpath) == labels);
}

void TestIdxReader::badImageFiles_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expected"); // a fragment the message must contain

    const auto px = ramp(2);
    const QByteArray good = idxImagesBytes(px, 2);
    QByteArray badMagic = good;
    badMagic[2] = char(0x09); // type byte: not unsigned byte
    QByteArray wrongDims = good;
    wrongDims[3] = char(0x02);
    QByteArray corruptGz = gzip(good);
    corruptGz[corruptGz.size() / 2] = char(corruptGz[corruptGz.size() / 2] ^ 0x5a);
    corruptGz[corruptGz.size() / 2 + 1] = char(corruptGz[corruptGz.size() / 2 + 1] ^ 0x33);

    QTest::addRow("empty file") << QByteArray() << QStringLiteral("truncated header");
    QTest::addRow("truncated header") << good.left(10) << QStringLiteral("truncated header");
    QTest::addRow("bad magic") << badMagic << QStringLiteral("bad magic");
    QTest::addRow("label magic in image file")
        << idxLabelsBytes(std::vector<std::uint8_t>(20, 1)) << QStringLiteral("dimension");
    QTest::addRow("2 dimensions") << wrongDims << QStringLiteral("dimension");
    QTest::addRow("not 28x28") << idxImagesBytes(std::vector<std::uint8_t>(2 * 32 * 32), 2, 32, 32)
                               << QStringLiteral("32x32");
    QTest::addRow("short payload") << good.left(good.size() - 1) << QStringLiteral("short");
    QTest::addRow("long payload") << good + QByteArray("x") << QStringLiteral("longer");
    QTest::addRow("header count too big") << idxImagesBytes(px, 3) << QStringLiteral("short");
    QTest::addRow("absurd count") << idxImagesBytes({}, 2'000'000'000) << QStringLiteral("limit");
    QTest::addRow("corrupt gzip") << corruptGz << QStringLiteral("corrupt");
    QTest::addRow("gzip of short payload") << gzip(good.left(good.size() - 100)) << QStringLiteral("short");
}

void TestIdxReader::badImageFiles()
{
    expectRejected([](const QString &path) { IdxReader::readImages(path); });
}

void TestIdxReader::badLabelFiles_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expected");
    const QByteArray good = idxLabelsBytes({1, 2, 3});
    QTest::addRow("label 10") << idxLabelsBytes({1, 10, 3}) << QStringLiteral("outside 0-9");
    QTest::addRow("label 255") << idxLabelsBytes({255}) << QStringLiteral("outside 0-9");
    QTest::addRow("image magic in label file") << idxImagesBytes(ramp(1), 1) << QStringLiteral("dimension");
    QTest::addRow("short labels") << good.left(good.size() - 1) << QStringLiteral("short");
    QTest::addRow("long labels") << good + QByteArray("\x01") << QStringLiteral("longer");
}

void TestIdxReader::badLabelFiles()
{
    expectRejected([](const QString &path) { IdxReader::readLabels(path); });
}

void TestIdxReader::imageLabelCountMismatch()
{
    QTemporaryDir dir;
    writeDataset(dir.path(), 20, 10, false);
    writeBytes(dir.filePath(QStringLiteral("train-labels-idx1-ubyte")),
               idxLabelsBytes(std::vector<std::uint8_t>(19, 1)));
    try {
        DatasetCatalog::load(dir.path(), {});
        QFAIL("mismatched counts were accepted");
    } catch (const DatasetError &e) {
        QVERIFY2(e.message().contains(QStringLiteral("20 images")) && e.message().contains(QStringLiteral("19 labels")),
                 qPrintable(e.message()));
    }
}

// --limit must not inflate the whole file: a gzip stream that is cut off (or corrupt) after the first items still
// yields those items when only they are asked for, while a full read of the same file reports the damage.
void TestIdxReader::limitReadsOnlyThePrefix()
{
    std::vector<std::uint8_t> px(40 * 784); // noise, so that half of the gzip stream holds many whole images
    std::uint32_t state = 12345;
    for (auto &v : px)
        v = std::uint8_t((state = state * 1664525u + 1013904223u) >> 24);
    const QByteArray whole = gzip(idxImagesBytes(px, 40));
    const QString path = write(QStringLiteral("cut.gz"), whole.left(whole.size() / 2));
    const IdxImages some = IdxReader::readImages(path, 3);
    QCOMPARE(some.count, 3);
    QCOMPARE(some.declaredCount, 40);
    QVERIFY(std::equal(some.pixels.begin(), some.pixels.end(), px.begin()));
    QCOMPARE(some.pixels.size(), std::size_t(3 * 784));
    QVERIFY_THROWS_EXCEPTION(DatasetError, IdxReader::readImages(path));

    std::vector<std::uint8_t> labels(100, 7);
    const QString lpath = write(QStringLiteral("labels-long"), idxLabelsBytes(labels) + QByteArray(5, char(0)));
    std::int64_t declared = 0;
    QCOMPARE(IdxReader::readLabels(lpath, 10, &declared).size(), std::size_t(10));
    QCOMPARE(declared, std::int64_t(100));
    QVERIFY_THROWS_EXCEPTION(DatasetError, IdxReader::readLabels(lpath)); // the padding is still refused in full
}

void TestIdxReader::limitStillChecksTheCounts()
{
    QTemporaryDir dir;
    writeDataset(dir.path(), 20, 10, false);
    writeBytes(dir.filePath(QStringLiteral("train-labels-idx1-ubyte")),
               idxLabelsBytes(std::vector<std::uint8_t>(19, 1)));
    SplitOptions options;
    options.limit = 12;
    try {
        DatasetCatalog::load(dir.path(), options);
        QFAIL("mismatched headers were accepted under --limit");
    } catch (const DatasetError &e) {
        QVERIFY2(e.message().contains(QStringLiteral("20 images")) && e.message().contains(QStringLiteral("19 labels")),
                 qPrintable(e.message()));
    }
    std::vector<std::uint8_t> labels(20);
    for (int i = 0; i < 20; ++i)
        labels[std::size_t(i)] = std::uint8_t(i % 10);
    writeBytes(dir.filePath(QStringLiteral("train-labels-idx1-ubyte")), idxLabelsBytes(labels));
    const DatasetSplit split = DatasetCatalog::load(dir.path(), options);
    QCOMPARE(split.train.count() + split.validation.count(), 12);
}

void TestIdxReader::missingFileInFolder()
{
    QTemporaryDir dir;
    writeDataset(dir.path(), 20, 10, true);
    QFile::remove(dir.filePath(QStringLiteral("t10k-labels-idx1-ubyte.gz")));
    QVERIFY(!DatasetCatalog::locate(dir.path()).found());
    try {
        DatasetCatalog::load(dir.path(), {});
        QFAIL("a folder with a missing file was accepted");
    } catch (const DatasetError &e) {
        QVERIFY2(e.message().contains(QStringLiteral("t10k-labels-idx1-ubyte")), qPrintable(e.message()));
    }
}

QTEST_GUILESS_MAIN(TestIdxReader)
#include "tst_idxreader.moc"
