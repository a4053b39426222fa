// The studio's ways to get data, driven as a user would: MNIST missing → Download… → progress → the dataset is
// selected and Start is enabled; Cancel leaves nothing; File → Import images… adds a dataset to the picker; the
// dataset manager shows, verifies and removes. Downloads go to a loopback server only.
#include "ConfigPanel.h"
#include "DatasetActions.h"
#include "DatasetCatalog.h"
#include "DatasetManagerDialog.h"
#include "DatasetSources.h"
#include "DownloadDialog.h"
#include "ImportDialog.h"
#include "LoopbackHttpServer.h"
#include "MainWindow.h"
#include "TinyIdx.h"

#include <QAction>
#include <QComboBox>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace aestudio;
using namespace aestudio::testing;

class TestDatasets : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QMap<QString, QByteArray> m_bytes, m_md5;
    std::unique_ptr<LoopbackHttpServer> m_server;

private Q_SLOTS:
    void initTestCase()
    {
        // A store of our own: nothing from ~/.local/share, and MNIST is missing until downloaded.
        qputenv("AESTUDIO_DATA_DIR", m_dir.filePath(QStringLiteral("store")).toUtf8());
        qputenv("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("xdg")).toUtf8());
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
        const QString fixture = m_dir.filePath(QStringLiteral("fixture"));
        writeDataset(fixture, 200, 50, true, 3);
        m_server = std::make_unique<LoopbackHttpServer>();
        for (const QString &name : DatasetSources::standardFileNames()) {
            QFile f(QDir(fixture).filePath(name));
            QVERIFY(f.open(QIODevice::ReadOnly));
            m_bytes.insert(name, f.readAll());
            m_md5.insert(name, QCryptographicHash::hash(m_bytes[name], QCryptographicHash::Md5).toHex());
            m_server->route("/good/" + name.toLatin1(), HttpRoute{200, m_bytes[name]});
        }
        HttpRoute stall{200, m_bytes[QStringLiteral("train-images-idx3-ubyte.gz")]};
        stall.mode = HttpRoute::Stall;
        stall.cut = int(stall.body.size() / 2);
        m_server->route("/stall/train-images-idx3-ubyte.gz", stall);
    }

    void cancelledDownloadLeavesNothing()
    {
        MainWindow window;
        window.datasets()->setDownloadOverrides({m_server->url(QStringLiteral("stall/"))}, m_md5);
        DownloadDialog *dialog = window.datasets()->download(QStringLiteral("mnist"));
        QSignalSpy finished(dialog, &DownloadDialog::finished);
        auto *detail = dialog->findChild<QLabel *>(QStringLiteral("downloadDetail"));
        QTRY_VERIFY_WITH_TIMEOUT(detail->text().contains(QLatin1String("(1/4)")), 10'000); // bytes are arriving
        dialog->reject();                                                                  // Cancel
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10'000);
        QCOMPARE(finished.first().first().toBool(), false);
        const QString folder = QDir(m_dir.filePath(QStringLiteral("store"))).filePath(QStringLiteral("mnist"));
        QVERIFY(!QFileInfo::exists(QDir(folder).filePath(QStringLiteral("train-images-idx3-ubyte.gz"))));
        QVERIFY(!QFileInfo::exists(folder) || QDir(folder).isEmpty());
        QVERIFY(!DatasetCatalog::locate(QStringLiteral("mnist")).found());
    }

    void missingMnistDownloadsAndStartIsEnabled()
    {
        MainWindow window;
        window.show();
        ConfigPanel *config = window.configPanel();
        auto *picker = config->findChild<QComboBox *>(QStringLiteral("dataset"));
        picker->setCurrentIndex(picker->findData(QStringLiteral("mnist")));
        QVERIFY(!config->startBlocker().isEmpty());
        QVERIFY(!window.action(QStringLiteral("start"))->isEnabled());
        auto *button = config->findChild<QPushButton *>(QStringLiteral("downloadDataset"));
        QVERIFY(button->isVisible());

        window.datasets()->setDownloadOverrides({m_server->url(QStringLiteral("good/"))}, m_md5);
        button->click();
        auto *dialog = window.findChild<DownloadDialog *>();
        QVERIFY(dialog);
        QSignalSpy finished(dialog, &DownloadDialog::finished);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20'000);
        QCOMPARE(finished.first().first().toBool(), true);

        // Selected and startable, with no restart.
        QCOMPARE(config->config().dataset, QStringLiteral("mnist"));
        QVERIFY2(config->startBlocker().isEmpty(), qPrintable(config->startBlocker()));
        QTRY_VERIFY(window.action(QStringLiteral("start"))->isEnabled());
        QVERIFY(!button->isVisible());
    }

    void managerShowsVerifiesAndRemoves()
    {
        MainWindow window;
        DatasetManagerDialog *manager = window.datasets()->showManager();
        manager->select(QStringLiteral("mnist")); // downloaded by the test before
        QCOMPARE(manager->selectedName(), QStringLiteral("mnist"));
        auto *details = manager->findChild<QLabel *>(QStringLiteral("datasetDetails"));
        QVERIFY2(details->text().contains(QLatin1String("200 train, 50 test")), qPrintable(details->text()));
        QVERIFY(details->text().contains(QLatin1String("downloaded")));
        QVERIFY(!manager->findChild<QLabel *>(QStringLiteral("datasetMosaic"))->pixmap().isNull());

        QSignalSpy verified(manager, &DatasetManagerDialog::verified);
        manager->verifySelected();
        QTRY_COMPARE_WITH_TIMEOUT(verified.size(), 1, 10'000);
        QCOMPARE(verified.first().at(1).toBool(), true);

        // A damaged file fails Verify.
        const QString file = QDir(DatasetCatalog::locate(QStringLiteral("mnist")).directory)
                                 .filePath(QStringLiteral("t10k-labels-idx1-ubyte.gz"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::Append));
        f.write("x");
        f.close();
        manager->verifySelected();
        QTRY_COMPARE_WITH_TIMEOUT(verified.size(), 2, 10'000);
        QCOMPARE(verified.last().at(1).toBool(), false);
        QVERIFY(
            manager->findChild<QLabel *>(QStringLiteral("datasetVerify"))->text().contains(QLatin1String("expected")));

        // Fashion-MNIST from Debian's package is not ours to remove.
        manager->select(QStringLiteral("fashion-mnist"));
        if (DatasetCatalog::locate(QStringLiteral("fashion-mnist")).found())
            QVERIFY(!manager->findChild<QPushButton *>(QStringLiteral("datasetRemove"))->isEnabled());

        manager->select(QStringLiteral("mnist"));
        QVERIFY(manager->findChild<QPushButton *>(QStringLiteral("datasetRemove"))->isEnabled());
        QSignalSpy changed(window.datasets(), &DatasetActions::datasetsChanged);
        manager->removeSelected();
        QCOMPARE(changed.size(), 1);
        QVERIFY(!DatasetCatalog::locate(QStringLiteral("mnist")).found());
        QVERIFY(!window.configPanel()->startBlocker().isEmpty()
                || window.configPanel()->config().dataset != QLatin1String("mnist"));
    }

    void importedImagesJoinThePicker()
    {
        const QString images = m_dir.filePath(QStringLiteral("my-images"));
        for (const char *cls : {"a", "b"}) {
            QDir().mkpath(QDir(images).filePath(QString::fromLatin1(cls)));
            for (int i = 0; i < 12; ++i) {
                QImage img(16 + i, 20, QImage::Format_RGB32);
                img.fill(Qt::black);
                for (int y = 4; y < 16; ++y)
                    img.setPixel(cls[0] == 'a' ? 5 : 10, y, qRgb(255, 255, 255));
                QVERIFY(img.save(QDir(images).filePath(QStringLiteral("%1/%2.png").arg(QLatin1String(cls)).arg(i))));
            }
        }
        MainWindow window;
        ImportDialog *dialog = window.datasets()->importImages();
        dialog->setImagesFolder(images);
        dialog->setName(QStringLiteral("my-images"));
        QSignalSpy imported(dialog, &ImportDialog::imported);
        dialog->startImport();
        QTRY_COMPARE_WITH_TIMEOUT(imported.size(), 1, 20'000);
        const QString summary = imported.first().at(1).toString();
        QVERIFY2(summary.startsWith(QLatin1String("imported 24, skipped 0")), qPrintable(summary));
        ConfigPanel *config = window.configPanel();
        QCOMPARE(config->config().dataset, QStringLiteral("my-images"));
        QVERIFY2(config->startBlocker().isEmpty(), qPrintable(config->startBlocker()));
        auto *picker = config->findChild<QComboBox *>(QStringLiteral("dataset"));
        QVERIFY(picker->findData(QStringLiteral("my-images")) >= 0);
    }

    void importErrorsStayInTheDialog()
    {
        MainWindow window;
        ImportDialog *dialog = window.datasets()->importImages();
        dialog->setImagesFolder(m_dir.filePath(QStringLiteral("no-such-folder")));
        dialog->setName(QStringLiteral("nothing"));
        dialog->startImport();
        auto *message = dialog->findChild<QLabel *>(QStringLiteral("importMessage"));
        QTRY_VERIFY_WITH_TIMEOUT(message->text().contains(QLatin1String("folder not found")), 10'000);
        QVERIFY(dialog->isVisible());
    }
};

QTEST_MAIN(TestDatasets)
#include "tst_datasets.moc"
