// The dataset downloader against a loopback HTTP server that misbehaves on purpose: every failure moves on to the
// next mirror with a reason, nothing unverified ever reaches a final path, and the CLI's `download` then `train`
// works end to end. Offline: 127.0.0.1 only.
#include "DatasetCatalog.h"
#include "DatasetDownload.h"
#include "DatasetSources.h"
#include "DatasetStore.h"
#include "Errors.h"
#include "LoopbackHttpServer.h"
#include "TinyIdx.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace aestudio;
using namespace aestudio::testing;

namespace {

struct Served {
    QMap<QString, QByteArray> bytes; // file name -> .gz bytes
    QMap<QString, QByteArray> md5;
};

// A tiny but real dataset, as .gz bytes, with its sums.
Served tinyDataset()
{
    QTemporaryDir dir;
    writeDataset(dir.path(), 120, 40, true, 7);
    Served s;
    for (const QString &name : DatasetSources::standardFileNames()) {
        QFile f(QDir(dir.path()).filePath(name));
        if (!f.open(QIODevice::ReadOnly))
            qFatal("cannot read the fixture");
        s.bytes.insert(name, f.readAll());
        s.md5.insert(name, QCryptographicHash::hash(s.bytes[name], QCryptographicHash::Md5).toHex());
    }
    return s;
}

void serveAll(LoopbackHttpServer &server, const QByteArray &prefix, const Served &s)
{
    for (auto it = s.bytes.begin(); it != s.bytes.end(); ++it)
        server.route(prefix + it.key().toLatin1(), HttpRoute{200, it.value()});
}

QStringList leftovers(const QString &dir)
{
    return QDir(dir).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot);
}

} // namespace

class TestDownload : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_root;
    Served m_data = tinyDataset();
    const QString kFirst = QStringLiteral("train-images-idx3-ubyte.gz");

    DownloadOptions options(const QStringList &mirrors, const QString &tag)
    {
        DownloadOptions o;
        o.name = QStringLiteral("mnist");
        o.mirrors = mirrors;
        o.md5 = m_data.md5;
        o.dataRoot = QDir(m_root.path()).filePath(tag);
        o.connectTimeoutMs = 3000;
        // A stall shorter than the rate window: after its last byte a stalled reply always hits the stall timer before
        // a rate window with no bytes in it ends, however late its first byte came.
        o.stallTimeoutMs = 500;
        o.rateWindowMs = 600;
        o.minBytesPerSecond = 100;
        return o;
    }

private Q_SLOTS:
    void goodMirrorStoresVerifiedFilesFoundByTheLookup()
    {
        LoopbackHttpServer server;
        serveAll(server, "/mnist/", m_data);
        DatasetDownload download(options({server.url(QStringLiteral("mnist/"))}, QStringLiteral("good")));
        QList<DownloadProgress> progress;
        download.onProgress = [&](const DownloadProgress &p) { progress << p; };
        const DownloadResult r = download.run();
        QVERIFY2(r.ok, qPrintable(r.error));
        const QString dir = QDir(m_root.path()).filePath(QStringLiteral("good/mnist"));
        QCOMPARE(r.directory, dir);
        for (const QString &name : DatasetSources::standardFileNames())
            QCOMPARE(DatasetStore::md5Of(QDir(dir).filePath(name)), m_data.md5[name]);
        QCOMPARE(leftovers(dir).size(), 5); // the four files and dataset.json, no temp files
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.last().fileCount, 4);
        QVERIFY(progress.last().text().contains(QLatin1String("(4/4)")));

        // Stored where the lookup searches: found by name at once, loads, and verifies.
        qputenv("AESTUDIO_DATA_DIR", QDir(m_root.path()).filePath(QStringLiteral("good")).toUtf8());
        QCOMPARE(DatasetCatalog::locate(QStringLiteral("mnist")).directory, dir);
        const DatasetSplit split = DatasetCatalog::load(QStringLiteral("mnist"), SplitOptions{});
        QCOMPARE(split.train.count() + split.validation.count(), 120);
        QCOMPARE(split.test.count(), 40);
        QCOMPARE(DatasetStore::summarize(QStringLiteral("mnist")).kind, QStringLiteral("downloaded"));
        QVERIFY(DatasetStore::verify(QStringLiteral("mnist")).ok);
        qunsetenv("AESTUDIO_DATA_DIR");
    }

    void badMirrorMovesOnToTheNext_data()
    {
        QTest::addColumn<HttpRoute>("bad");
        QTest::addColumn<QString>("reason");
        const QByteArray gz = m_data.bytes[kFirst];
        QTest::addRow("html page") << HttpRoute{200, "<!DOCTYPE html><html><body>sign in</body></html>", "text/html"}
                                   << "served an HTML page";
        QTest::addRow("403") << HttpRoute{403, "<html>no</html>", "text/html"} << "HTTP 403 Forbidden";
        QTest::addRow("503") << HttpRoute{503, "busy", "text/plain"} << "HTTP 503 Service Unavailable";
        HttpRoute truncated{200, gz};
        truncated.mode = HttpRoute::Truncate;
        truncated.cut = int(gz.size() / 2);
        truncated.ranges = false;
        QTest::addRow("truncated") << truncated << "truncated";
        HttpRoute stall{200, gz};
        stall.mode = HttpRoute::Stall;
        stall.cut = 100;
        QTest::addRow("stall") << stall << "stalled: no data for 0.5 s";
        HttpRoute drip{200, gz};
        drip.mode = HttpRoute::Drip; // a byte every 100 ms never stalls, but is far below 100 bytes/s
        QTest::addRow("drip") << drip << "too slow: ";
        QByteArray wrong = gz;
        wrong[wrong.size() - 9] = char(wrong[wrong.size() - 9] ^ 0x55);
        QTest::addRow("wrong checksum") << HttpRoute{200, wrong} << "checksum mismatch";
        QTest::addRow("not gzip") << HttpRoute{200, "IDX but not gzipped", "application/octet-stream"}
                                  << "not a gzip file";
    }

    void badMirrorMovesOnToTheNext()
    {
        QFETCH(HttpRoute, bad);
        QFETCH(QString, reason);
        LoopbackHttpServer server;
        server.route("/bad/" + kFirst.toLatin1(), bad);
        serveAll(server, "/good/", m_data);
        const QString tag = QStringLiteral("fallback-%1").arg(QString::fromLatin1(QTest::currentDataTag()));

        // Alone, the bad mirror fails with its reason, and leaves nothing behind.
        {
            DatasetDownload alone(options({server.url(QStringLiteral("bad/"))}, tag));
            const DownloadResult r = alone.run();
            QVERIFY(!r.ok);
            QVERIFY2(r.error.contains(reason), qPrintable(r.error));
            QVERIFY2(r.error.contains(QLatin1String("by hand")), qPrintable(r.error));
            QVERIFY(!r.error.contains(QLatin1Char('\n')));
            QVERIFY(!QFileInfo::exists(QDir(r.directory).filePath(kFirst)));
            QVERIFY2(leftovers(r.directory).isEmpty(), qPrintable(leftovers(r.directory).join(QLatin1Char(' '))));
        }
        // First in a list, it is skipped with its reason and the next mirror completes the download.
        DatasetDownload download(
            options({server.url(QStringLiteral("bad/")), server.url(QStringLiteral("good/"))}, tag));
        QStringList messages;
        download.onMessage = [&](const QString &m) { messages << m; };
        const DownloadResult r = download.run();
        QVERIFY2(r.ok, qPrintable(r.error));
        QVERIFY2(messages.join(QLatin1Char('\n')).contains(reason), qPrintable(messages.join(QLatin1Char('\n'))));
        QCOMPARE(DatasetStore::md5Of(QDir(r.directory).filePath(kFirst)), m_data.md5[kFirst]);
    }

    void everyMirrorFailingListsEachWithItsReason()
    {
        LoopbackHttpServer server;
        server.route("/a/" + kFirst.toLatin1(), HttpRoute{403, "no", "text/plain"});
        QTcpServer closed; // a port where nothing answers: listen, note the port, close
        closed.listen(QHostAddress::LocalHost, 0);
        const QString refused = QStringLiteral("http://127.0.0.1:%1/").arg(closed.serverPort());
        closed.close();
        DatasetDownload download(
            options({server.url(QStringLiteral("a/")), server.url(QStringLiteral("missing/")), refused},
                    QStringLiteral("all-fail")));
        const DownloadResult r = download.run();
        QVERIFY(!r.ok);
        QVERIFY2(r.error.contains(server.url(QStringLiteral("a/")) + QStringLiteral(": HTTP 403")),
                 qPrintable(r.error));
        QVERIFY2(r.error.contains(server.url(QStringLiteral("missing/")) + QStringLiteral(": HTTP 404")),
                 qPrintable(r.error));
        QVERIFY2(r.error.contains(refused + QStringLiteral(": Connection refused")), qPrintable(r.error));
        QVERIFY(r.error.contains(QLatin1String("t10k-labels-idx1-ubyte.gz"))); // says which files to put by hand
        QVERIFY(!QFileInfo::exists(r.directory));                              // the empty folder it made is gone again
    }

    void droppedTransferResumesWithRange()
    {
        LoopbackHttpServer server;
        serveAll(server, "/m/", m_data);
        HttpRoute drop{200, m_data.bytes[kFirst]};
        drop.mode = HttpRoute::DropOnce;
        drop.cut = int(m_data.bytes[kFirst].size() / 2);
        server.route("/m/" + kFirst.toLatin1(), drop);
        DatasetDownload download(options({server.url(QStringLiteral("m/"))}, QStringLiteral("resume")));
        const DownloadResult r = download.run();
        QVERIFY2(r.ok, qPrintable(r.error));
        QVERIFY2(server.requests.contains("GET /m/" + kFirst.toLatin1()
                                          + " Range: bytes=" + QByteArray::number(drop.cut) + '-'),
                 server.requests.join(", ").constData());
        QCOMPARE(DatasetStore::md5Of(QDir(r.directory).filePath(kFirst)), m_data.md5[kFirst]);
    }

    void mirrorQueryAndCredentialsAreKeptAndNeverShown()
    {
        LoopbackHttpServer server;
        serveAll(server, "/q/", m_data);
        const QString mirror = server.url(QStringLiteral("q/?token=abc"))
                                   .replace(QStringLiteral("http://"), QStringLiteral("http://user:secret@"));
        DatasetDownload download(options({mirror}, QStringLiteral("query")));
        QStringList messages;
        download.onMessage = [&](const QString &m) { messages << m; };
        const DownloadResult r = download.run();
        QVERIFY2(r.ok, qPrintable(r.error));
        QVERIFY2(server.requests.contains("GET /q/" + kFirst.toLatin1() + "?token=abc"),
                 server.requests.join(", ").constData());
        QVERIFY(!messages.join(QLatin1Char('\n')).contains(QLatin1String("secret")));
        QFile manifest(QDir(r.directory).filePath(QStringLiteral("dataset.json")));
        QVERIFY(manifest.open(QIODevice::ReadOnly));
        QVERIFY(!manifest.readAll().contains("secret"));
    }

    void redirectsAreFollowed()
    {
        LoopbackHttpServer server;
        serveAll(server, "/real/", m_data);
        for (const QString &name : DatasetSources::standardFileNames()) {
            HttpRoute moved;
            moved.mode = HttpRoute::Redirect;
            moved.location = server.url(QStringLiteral("real/") + name).toLatin1();
            server.route("/old/" + name.toLatin1(), moved);
        }
        DatasetDownload download(options({server.url(QStringLiteral("old/"))}, QStringLiteral("redirect")));
        const DownloadResult r = download.run();
        QVERIFY2(r.ok, qPrintable(r.error));
        QVERIFY(server.requests.contains("GET /real/" + kFirst.toLatin1()));
    }

    void cancelLeavesNoPartialFile()
    {
        LoopbackHttpServer server;
        HttpRoute stall{200, m_data.bytes[kFirst]};
        stall.mode = HttpRoute::Stall;
        stall.cut = int(m_data.bytes[kFirst].size() / 2);
        server.route("/s/" + kFirst.toLatin1(), stall);
        DownloadOptions o = options({server.url(QStringLiteral("s/"))}, QStringLiteral("cancel"));
        o.stallTimeoutMs = 60'000;
        DatasetDownload download(o);
        bool sawBytes = false;
        download.onProgress = [&](const DownloadProgress &p) { sawBytes = sawBytes || p.fileBytes > 0; };
        const DownloadResult r = download.run([&] { return sawBytes; });
        QVERIFY(r.cancelled);
        QVERIFY(!r.ok);
        QVERIFY(!QFileInfo::exists(QDir(r.directory).filePath(kFirst)));
        QVERIFY(!QFileInfo::exists(r.directory) || leftovers(r.directory).isEmpty());
    }

    void filesAlreadyVerifiedAreNotFetchedAgain()
    {
        LoopbackHttpServer server;
        serveAll(server, "/m/", m_data);
        DatasetDownload first(options({server.url(QStringLiteral("m/"))}, QStringLiteral("again")));
        QVERIFY(first.run().ok);
        server.requests.clear();
        DatasetDownload second(options({server.url(QStringLiteral("m/"))}, QStringLiteral("again")));
        const DownloadResult r = second.run();
        QVERIFY2(r.ok, qPrintable(r.error));
        QVERIFY(server.requests.isEmpty());
    }

    void badOptionsAreRefused_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("mirror");
        QTest::addColumn<QString>("reason");
        QTest::addRow("unknown dataset") << "cifar"
                                         << ""
                                         << "unknown dataset 'cifar'";
        QTest::addRow("ftp mirror") << "mnist"
                                    << "ftp://127.0.0.1/x/"
                                    << "is not an http:// or https:// URL";
        QTest::addRow("no host") << "mnist"
                                 << "http:///x/"
                                 << "is not an http:// or https:// URL";
    }

    void badOptionsAreRefused()
    {
        QFETCH(QString, name);
        QFETCH(QString, mirror);
        QFETCH(QString, reason);
        DownloadOptions o
            = options(mirror.isEmpty() ? QStringList{} : QStringList{mirror}, QStringLiteral("bad-options"));
        o.name = name;
        DatasetDownload download(o);
        const DownloadResult r = download.run();
        QVERIFY(!r.ok);
        QVERIFY2(r.error.contains(reason), qPrintable(r.error));
    }

    void md5SumsFilesParseOrNameTheBadLine_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("error");
        QTest::addRow("md5sum output") << QByteArray("f68b3c2dcbeaaa9fbdd348bbdeb94873  train-images-idx3-ubyte.gz\n"
                                                     "# comment\n\n"
                                                     "D53E105EE54EA40749A09FCBCD1E9432 *train-labels-idx1-ubyte.gz\n")
                                       << QString();
        QTest::addRow("short sum") << QByteArray("f68b3c2d  train-images-idx3-ubyte.gz\n") << "sums.md5 line 1";
        QTest::addRow("no name") << QByteArray("ok\nf68b3c2dcbeaaa9fbdd348bbdeb94873\n") << "sums.md5 line 1";
        QTest::addRow("a path") << QByteArray("f68b3c2dcbeaaa9fbdd348bbdeb94873  ../x.gz\n") << "sums.md5 line 1";
        QTest::addRow("empty") << QByteArray("\n# nothing\n") << "no checksums";
    }

    void md5SumsFilesParseOrNameTheBadLine()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, error);
        try {
            const auto sums = DatasetSources::parseMd5Sums(text, QStringLiteral("sums.md5"));
            QVERIFY2(error.isEmpty(), "should have been refused");
            QCOMPARE(sums.value(QStringLiteral("train-labels-idx1-ubyte.gz")),
                     QByteArray("d53e105ee54ea40749a09fcbcd1e9432"));
            QCOMPARE(sums.size(), 2);
        } catch (const ConfigError &e) {
            QVERIFY2(!error.isEmpty() && e.message().contains(error), qPrintable(e.message()));
        }
    }

    // The issue's "done means", with the real CLI: download from a loopback mirror with a checksums file, then
    // train on it by name; and a mirror serving HTML fails with one clear line and leaves nothing behind.
    void cliDownloadsThenTrains()
    {
        LoopbackHttpServer server;
        serveAll(server, "/m/", m_data);
        server.route("/html/" + kFirst.toLatin1(), HttpRoute{200, "<html>login</html>", "text/html"});
        const QString sums = QDir(m_root.path()).filePath(QStringLiteral("sums.md5"));
        QByteArray sumsText;
        for (auto it = m_data.md5.begin(); it != m_data.md5.end(); ++it)
            sumsText += it.value() + "  " + it.key().toLatin1() + '\n';
        writeBytes(sums, sumsText);
        const QString data = QDir(m_root.path()).filePath(QStringLiteral("cli-data"));

        const auto cli = [&](const QStringList &args) {
            QProcess p;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(QStringLiteral("AESTUDIO_DATA_DIR"), data);
            p.setProcessEnvironment(env);
            p.start(QStringLiteral(AESTUDIO_CLI_PATH), args);
            // The server lives in this thread's event loop: wait with the loop running, not waitForFinished().
            QSignalSpy done(&p, &QProcess::finished);
            [&] { QVERIFY(done.wait(120'000)); }();
            return std::make_tuple(p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()),
                                   QString::fromUtf8(p.readAllStandardError()));
        };
        auto [code, out, err] = cli({QStringLiteral("download"), QStringLiteral("mnist"), QStringLiteral("--mirror"),
                                     server.url(QStringLiteral("html/")), QStringLiteral("--checksums"), sums});
        QCOMPARE(code, 1);
        const QStringList errLines = err.trimmed().split(QLatin1Char('\n'));
        QVERIFY2(errLines.last().startsWith(QLatin1String("aestudio-cli download: mnist: every mirror failed"))
                     && errLines.last().contains(QLatin1String("served an HTML page")),
                 qPrintable(err));
        QVERIFY(!QFileInfo::exists(QDir(data).filePath(QStringLiteral("mnist"))));

        std::tie(code, out, err) = cli({QStringLiteral("download"), QStringLiteral("mnist"), QStringLiteral("--mirror"),
                                        server.url(QStringLiteral("m/")), QStringLiteral("--checksums"), sums});
        QVERIFY2(code == 0, qPrintable(err));
        QVERIFY2(out.contains(QLatin1String("mnist: 4 files verified in")), qPrintable(out));

        std::tie(code, out, err) = cli({QStringLiteral("train"), QStringLiteral("--dataset"), QStringLiteral("mnist"),
                                        QStringLiteral("--epochs"), QStringLiteral("1"), QStringLiteral("--out"),
                                        QDir(m_root.path()).filePath(QStringLiteral("cli-run"))});
        QVERIFY2(code == 0, qPrintable(err));
        QVERIFY2(out.contains(QLatin1String("epoch 1:")), qPrintable(out));
    }
};

QTEST_GUILESS_MAIN(TestDownload)
#include "tst_download.moc"
