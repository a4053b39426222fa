// Importing the user's own images: class folders become labels, bad files are skipped and counted, every image
// becomes a centred 28x28 with the full 0..255 range, a folder of IDX files is registered in place, and the result
// is found by name and trains.
#include "DatasetCatalog.h"
#include "DatasetStore.h"
#include "Errors.h"
#include "ImageImport.h"
#include "TinyIdx.h"
#include "TrainingRun.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QPainter>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace aestudio;
using namespace aestudio::testing;

namespace {

// A light-ink shape on a dark background, of varying size and aspect, so fitting and centring are exercised.
QImage shape(int w, int h, int label, bool darkInk)
{
    QImage img(w, h, QImage::Format_RGB32);
    img.fill(darkInk ? Qt::white : Qt::black);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const bool ink = label == 0 ? std::abs(x - w / 2) < w / 6 : std::abs(y - h / 2) < h / 6;
            if (ink)
                img.setPixel(x, y, darkInk ? qRgb(20, 20, 20) : qRgb(200, 220, 180));
        }
    return img;
}

} // namespace

class TestImport : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_images;

    void useStore(const QString &tag) { qputenv("AESTUDIO_DATA_DIR", m_dir.filePath(tag).toUtf8()); }

private Q_SLOTS:
    void initTestCase()
    {
        m_images = m_dir.filePath(QStringLiteral("images"));
        for (const char *cls : {"circle", "bar"})
            QDir().mkpath(QDir(m_images).filePath(QString::fromLatin1(cls)));
        for (int i = 0; i < 30; ++i) {
            const int w = 20 + (i * 7) % 50, h = 20 + (i * 13) % 60;
            QVERIFY(shape(w, h, 1, false).save(QDir(m_images).filePath(QStringLiteral("bar/%1.png").arg(i))));
            QVERIFY(shape(w, h, 0, false).save(QDir(m_images).filePath(QStringLiteral("circle/%1.bmp").arg(i)), "BMP"));
        }
        QVERIFY(shape(64, 32, 0, false).save(QDir(m_images).filePath(QStringLiteral("circle/photo.jpg")), "JPG"));
        writeBytes(QDir(m_images).filePath(QStringLiteral("bar/broken.png")),
                   QByteArray("\x89PNG\r\n\x1a\n garbage", 17));
        writeBytes(QDir(m_images).filePath(QStringLiteral("circle/notes.txt")), "not an image\n");
        // Outside the class folders: skipped and said so, never silently dropped.
        QVERIFY(shape(30, 30, 0, false).save(QDir(m_images).filePath(QStringLiteral("stray.png"))));
        // A FIFO behind a symbolic link would block a read forever: skipped.
        const QString fifo = m_dir.filePath(QStringLiteral("pipe"));
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        QVERIFY(QFile::link(fifo, QDir(m_images).filePath(QStringLiteral("bar/pipe.png"))));
    }
    void cleanup() { qunsetenv("AESTUDIO_DATA_DIR"); }

    void classFoldersBecomeLabelsAndBadFilesAreCounted()
    {
        useStore(QStringLiteral("store-a"));
        ImportOptions o;
        o.imagesDir = m_images;
        o.name = QStringLiteral("shapes");
        o.testFraction = 0.25;
        int lastDone = 0, lastTotal = 0;
        const ImportResult r = ImageImport::run(o, [&](int done, int total) {
            lastDone = done;
            lastTotal = total;
        });
        QCOMPARE(r.imported, 61);
        QCOMPARE(r.skipped, 4);
        QCOMPARE(lastDone, 65);
        QCOMPARE(lastTotal, 65);
        QCOMPARE(r.classes, (QStringList{QStringLiteral("bar"), QStringLiteral("circle")})); // sorted
        QCOMPARE(r.testCount, 15);
        QCOMPARE(r.trainCount, 46);
        const QString summary = r.summary();
        QVERIFY2(summary.startsWith(QLatin1String("imported 61, skipped 4 (")), qPrintable(summary));
        for (const char *expected : {"bar/broken.png", "circle/notes.txt", "stray.png: outside the class folders",
                                     "bar/pipe.png: is a FIFO"})
            QVERIFY2(summary.contains(QLatin1String(expected)), qPrintable(summary));

        // Found by name, with its classes, like a downloaded dataset.
        QVERIFY(DatasetCatalog::availableNames().contains(QStringLiteral("shapes")));
        QCOMPARE(DatasetCatalog::classNames(QStringLiteral("shapes")), r.classes);
        const DatasetSplit split = DatasetCatalog::load(QStringLiteral("shapes"), SplitOptions{0.2, 0, 0});
        QCOMPARE(split.name, QStringLiteral("shapes"));
        QCOMPARE(split.train.count() + split.validation.count(), 46);
        QCOMPARE(split.test.count(), 15);
        int perLabel[2] = {0, 0};
        for (const ImageSet *set : {&split.train, &split.validation, &split.test}) {
            for (int i = 0; i < set->count(); ++i) {
                QVERIFY(set->labels[std::size_t(i)] < 2);
                ++perLabel[set->labels[std::size_t(i)]];
                const auto [lo, hi] = std::minmax_element(set->image(i), set->image(i) + kPixelsPerImage);
                QCOMPARE(int(*lo), 0);
                QCOMPARE(int(*hi), 255);
            }
        }
        QCOMPARE(perLabel[0], 30); // bar: 30 PNGs, the broken one skipped
        QCOMPARE(perLabel[1], 31); // circle: 30 BMPs and a JPEG, the text file skipped
        const DatasetSummary s = DatasetStore::summarize(QStringLiteral("shapes"));
        QCOMPARE(s.kind, QStringLiteral("imported"));
        QCOMPARE(s.trainCount, 46);
        QVERIFY(s.removable());
        QCOMPARE(DatasetStore::mosaic(s.directory).size(), QSize(280, 280));

        // The same name again is refused; after Remove the name is free.
        QVERIFY_THROWS_EXCEPTION(ConfigError, ImageImport::run(o));
        DatasetStore::remove(QStringLiteral("shapes"));
        QVERIFY(!DatasetCatalog::availableNames().contains(QStringLiteral("shapes")));
    }

    void importedDatasetTrainsForAnEpoch()
    {
        useStore(QStringLiteral("store-b"));
        ImportOptions o;
        o.imagesDir = m_images;
        o.name = QStringLiteral("shapes");
        ImageImport::run(o);
        TrainingConfig c;
        c.dataset = QStringLiteral("shapes");
        c.model.latent = 8;
        c.batchSize = 16;
        c.epochs = 1;
        c.threads = 1;
        c.device = QStringLiteral("cpu");
        const RunDirectory folder
            = RunDirectory::createNew(c, QStringLiteral("import"), m_dir.filePath(QStringLiteral("runs")));
        TrainingRun run(c, folder);
        TrainingObserver quiet;
        RunControl control;
        const Trainer::Outcome outcome = run.run(quiet, control);
        QVERIFY2(!outcome.failed, qPrintable(outcome.error));
        QCOMPARE(run.trainer().history().size(), 1);
        QVERIFY(std::isfinite(run.trainer().history().front().valLoss));
    }

    void eachImageIsCentredAndFitted()
    {
        // A wide light bar on a dark background, and the same as dark ink on white with --invert: the same result.
        QImage wide(100, 50, QImage::Format_RGB32);
        wide.fill(Qt::black);
        for (int x = 0; x < 100; ++x)
            for (int y = 20; y < 30; ++y)
                wide.setPixel(x, y, qRgb(255, 255, 255));
        const QImage a = ImageImport::toDatasetImage(wide, false);
        QImage inverted = wide;
        inverted.invertPixels();
        const QImage b = ImageImport::toDatasetImage(inverted, true);
        QCOMPARE(a.size(), QSize(28, 28));
        QCOMPARE(a.format(), QImage::Format_Grayscale8);
        QCOMPARE(a, b);
        // Aspect kept: 100x50 fits as 28x14, centred with 7 rows of padding above and below.
        for (int x = 0; x < 28; ++x) {
            QCOMPARE(qGray(a.pixel(x, 0)), 0);
            QCOMPARE(qGray(a.pixel(x, 6)), 0);
            QCOMPARE(qGray(a.pixel(x, 14)), 255);
            QCOMPARE(qGray(a.pixel(x, 27)), 0);
        }
        // Transparent pixels are background, not ink.
        QImage clear(10, 10, QImage::Format_ARGB32);
        clear.fill(Qt::transparent);
        clear.setPixel(5, 5, qRgba(255, 255, 255, 255));
        const QImage c = ImageImport::toDatasetImage(clear, false);
        QCOMPARE(qGray(c.pixel(0, 0)), 0);
    }

    void aFolderNamedLikeTheStagingAreaIsNeverTouched()
    {
        useStore(QStringLiteral("store-e"));
        const QString bystander
            = QDir(m_dir.filePath(QStringLiteral("store-e"))).filePath(QStringLiteral("shapes.importing"));
        writeDataset(bystander, 20, 5, false); // a valid dataset whose name happens to end in .importing
        ImportOptions o;
        o.imagesDir = m_images;
        o.name = QStringLiteral("shapes");
        ImageImport::run(o);
        QVERIFY(DatasetCatalog::hasIdxFiles(bystander));
        QCOMPARE(
            QDir(m_dir.filePath(QStringLiteral("store-e"))).entryList(QDir::Dirs | QDir::Hidden | QDir::NoDotAndDotDot),
            (QStringList{QStringLiteral("shapes"), QStringLiteral("shapes.importing")})); // no temp folder left
    }

    void folderOfIdxFilesIsRegisteredInPlace()
    {
        useStore(QStringLiteral("store-c"));
        const QString idx = m_dir.filePath(QStringLiteral("idx-folder"));
        writeDataset(idx, 90, 30, false);
        ImportOptions o;
        o.imagesDir = idx;
        o.name = QStringLiteral("linked-set");
        const ImportResult r = ImageImport::run(o);
        QVERIFY(r.linked);
        QCOMPARE(r.trainCount, 90);
        QVERIFY2(r.summary().contains(QLatin1String("nothing was copied")), qPrintable(r.summary()));
        const QString store = DatasetStore::folderFor(QStringLiteral("linked-set"));
        QCOMPARE(QDir(store).entryList(QDir::Files), QStringList{QStringLiteral("dataset.json")});
        QCOMPARE(DatasetCatalog::locate(QStringLiteral("linked-set")).directory, QFileInfo(idx).absoluteFilePath());
        QCOMPARE(DatasetStore::summarize(QStringLiteral("linked-set")).kind, QStringLiteral("linked"));
        // Remove drops the registration only; the user's files stay.
        DatasetStore::remove(QStringLiteral("linked-set"));
        QVERIFY(!QFileInfo::exists(store));
        QVERIFY(DatasetCatalog::hasIdxFiles(idx));
    }

    void badRequestsAreRefused_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("images");
        QTest::addColumn<double>("testFraction");
        QTest::addColumn<QString>("error");
        QTest::addRow("path as name") << "../x"
                                      << "images" << 0.2 << "must be lower-case";
        QTest::addRow("option as name") << "--epochs"
                                        << "images" << 0.2 << "must be lower-case";
        // Reserved whether or not MNIST is installed here (it is not, in this test's store).
        QTest::addRow("built-in name") << "mnist"
                                       << "images" << 0.2 << "is the name of a built-in dataset";
        QTest::addRow("fraction 0") << "a"
                                    << "images" << 0.0 << "strictly between 0 and 1";
        QTest::addRow("fraction 1") << "a"
                                    << "images" << 1.0 << "strictly between 0 and 1";
        QTest::addRow("no folder") << "a"
                                   << "nowhere" << 0.2 << "folder not found";
        QTest::addRow("no images") << "a"
                                   << "empty" << 0.2 << "0 images could be read";
    }

    void badRequestsAreRefused()
    {
        QFETCH(QString, name);
        QFETCH(QString, images);
        QFETCH(double, testFraction);
        QFETCH(QString, error);
        useStore(QStringLiteral("store-d"));
        QDir().mkpath(m_dir.filePath(QStringLiteral("empty")));
        QDir().mkpath(m_dir.filePath(QStringLiteral("store-d")));
        writeBytes(m_dir.filePath(QStringLiteral("empty/readme.txt")), "no images here");
        ImportOptions o;
        o.imagesDir = images == QLatin1String("images") ? m_images : m_dir.filePath(images);
        o.name = name;
        o.testFraction = testFraction;
        try {
            ImageImport::run(o);
            QFAIL("should have been refused");
        } catch (const StudioError &e) {
            QVERIFY2(e.message().contains(error), qPrintable(e.message()));
        }
        QVERIFY(DatasetStore::storedNames().isEmpty()); // nothing half-made was left
    }
};

QTEST_GUILESS_MAIN(TestImport)
#include "tst_import.moc"
