#include "DatasetDownload.h"

#include "AtomicFile.h"
#include "DatasetSources.h"
#include "DatasetStore.h"
#include "Errors.h"
#include "TrainingTypes.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QEventLoop>
#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QTimer>
#include <QUrl>

#include <deque>

namespace aestudio {
namespace {

// The largest file of the three datasets is 26 MB; a server announcing or sending more is not serving one of them.
constexpr qint64 kMaxFileBytes = qint64(256) << 20;

QString megabytes(qint64 bytes)
{
    return QString::number(double(bytes) / 1e6, 'f', bytes < 10'000'000 ? 2 : 1);
}

QString sizeText(qint64 bytes)
{
    return bytes < 1'000'000 ? QStringLiteral("%1 kB").arg(double(bytes) / 1e3, 0, 'f', 1)
                             : QStringLiteral("%1 MB").arg(megabytes(bytes));
}

bool looksLikeHtml(const QByteArray &head, const QString &contentType)
{
    if (contentType.contains(QLatin1String("html"), Qt::CaseInsensitive))
        return true;
    const QByteArray t = head.left(512).trimmed().toLower();
    return t.startsWith('<') || t.contains("<html") || t.contains("<!doctype");
}

} // namespace

QString DownloadProgress::text() const
{
    QString s = QStringLiteral("%1 (%2/%3): %4").arg(file).arg(fileIndex + 1).arg(fileCount).arg(sizeText(fileBytes));
    if (fileTotal >= 0)
        s += QStringLiteral(" of %1").arg(sizeText(fileTotal));
    if (bytesPerSecond > 0)
        s += QStringLiteral(", %1/s").arg(sizeText(qint64(bytesPerSecond)));
    if (etaSeconds >= 0)
        s += QStringLiteral(", ETA %1").arg(formatDuration(etaSeconds));
    return s;
}

struct DatasetDownload::Impl {
    DownloadOptions options;
    QList<RemoteFile> files;
    QString directory;
    QStringList mirrors;
    QString setupError; // a bad option, reported by start()

    QObject context; // owns the connections, so none outlives this object
    QNetworkAccessManager nam;
    QTimer watchdog;
    QTimer rateCheck; // a mirror dripping a byte now and then never stalls, but is given up on
    qint64 bytesAtRateCheck = 0;
    QNetworkReply *reply = nullptr;
    bool running = false;
    bool cancelled = false;
    bool createdDirectory = false;

    int fileIndex = 0;
    int mirrorIndex = 0;
    QStringList failures; // "mirror: reason" for the current file
    QStringList mirrorsUsed;

    // The current attempt.
    QByteArray buffer;
    qint64 expectedTotal = -1;
    qint64 requestOffset = 0;
    bool retried = false;
    bool sawResponse = false;
    QString failReason;
    QElapsedTimer clock;
    std::deque<std::pair<qint64, qint64>> samples; // (ms, bytes) over the last few seconds, for the rate
    qint64 lastProgressMs = -1000;

    std::function<void(const DownloadProgress &)> *onProgress = nullptr;
    std::function<void(const QString &)> *onMessage = nullptr;
    std::function<void(const DownloadResult &)> *onFinished = nullptr;

    void message(const QString &text)
    {
        // Reasons quote what a server sent (status phrases, headers): never raw control characters to a terminal.
        if (*onMessage)
            (*onMessage)(StudioError::escapeControl(text));
    }

    QString filePath(const RemoteFile &f) const { return QDir(directory).filePath(f.name); }
    // The file name joins the mirror's path; a query (a signed URL's token) stays.
    QUrl urlFor(int mirror, const RemoteFile &f) const
    {
        QUrl url(mirrors[mirror]);
        QString path = url.path();
        if (!path.endsWith(QLatin1Char('/')))
            path += QLatin1Char('/');
        url.setPath(path + f.name);
        return url;
    }
    // A mirror as shown and stored: without a user name or password.
    QString shown(int mirror) const { return QUrl(mirrors[mirror]).toString(QUrl::RemoveUserInfo); }

    void finish(DownloadResult result)
    {
        running = false;
        watchdog.stop();
        rateCheck.stop();
        if (!result.ok && createdDirectory)
            QDir().rmdir(directory); // only when empty: files verified earlier stay
        createdDirectory = false;
        result.directory = directory;
        if (*onFinished)
            (*onFinished)(result);
    }

    void fail(const QString &error)
    {
        DownloadResult r;
        r.error = error;
        finish(r);
    }

    void nextFile()
    {
        if (cancelled)
            return finish(DownloadResult{false, true, {}, QStringLiteral("cancelled; nothing partial was kept")});
        if (fileIndex == files.size())
            return complete();
        const RemoteFile &f = files[fileIndex];
        // A file already here with the right sum is kept: a second download only fetches what is missing or bad.
        if (QFileInfo(filePath(f)).isFile()) {
            try {
                if (DatasetStore::md5Of(filePath(f)) == f.md5) {
                    message(QStringLiteral("%1: already here, md5 verified").arg(f.name));
                    ++fileIndex;
                    return nextFile();
                }
            } catch (const StudioError &) {
            }
        }
        mirrorIndex = 0;
        failures.clear();
        tryMirror();
    }

    void tryMirror()
    {
        const RemoteFile &f = files[fileIndex];
        if (mirrorIndex == mirrors.size()) {
            QStringList names;
            for (const RemoteFile &rf : std::as_const(files))
                names << rf.name;
            return fail(QStringLiteral("%1: every mirror failed for %2 (%3). Put the four files (%4) into %5 by "
                                       "hand, or name a working copy with --mirror URL (aestudio-cli download, or the "
                                       "studio's command line)")
                            .arg(options.name, f.name, failures.join(QStringLiteral("; ")),
                                 names.join(QStringLiteral(", ")), directory));
        }
        buffer.clear();
        retried = false;
        get(urlFor(mirrorIndex, f), 0);
    }

    void mirrorFailed(const QString &reason)
    {
        failures << QStringLiteral("%1: %2").arg(shown(mirrorIndex), reason);
        message(QStringLiteral("%1 from %2 failed: %3").arg(files[fileIndex].name, shown(mirrorIndex), reason));
        buffer.clear();
        ++mirrorIndex;
        tryMirror();
    }

    void get(const QUrl &url, qint64 offset)
    {
        QNetworkRequest request(url);
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
        request.setMaximumRedirectsAllowed(8);
        request.setHeader(QNetworkRequest::UserAgentHeader, QStringLiteral("aestudio/" AESTUDIO_VERSION));
        // Asking for identity stops Qt from inflating a .gz that a server labels Content-Encoding: gzip; the
        // checksums are of the .gz bytes.
        request.setRawHeader("Accept-Encoding", "identity");
        if (offset > 0)
            request.setRawHeader("Range", "bytes=" + QByteArray::number(offset) + '-');
        requestOffset = offset;
        expectedTotal = -1;
        sawResponse = false;
        failReason.clear();
        samples.clear();
        lastProgressMs = -1000;
        clock.start();
        const QString where = url.toString(QUrl::RemoveUserInfo);
        message(offset > 0 ? QStringLiteral("resuming %1 at byte %2").arg(where).arg(offset)
                           : QStringLiteral("fetching %1").arg(where));
        bytesAtRateCheck = 0;
        reply = nam.get(request);
        // Backpressure: Qt stops reading the socket while this much is unread, so a server streaming without end
        // costs at most the cap below plus this, never more memory.
        reply->setReadBufferSize(qint64(1) << 20);
        QObject::connect(reply, &QNetworkReply::metaDataChanged, &context, [this, r = reply] {
            if (r == reply)
                onHeaders();
        });
        QObject::connect(reply, &QIODevice::readyRead, &context, [this, r = reply] {
            if (r == reply)
                onData();
        });
        // Queued: abort() from inside a handler must not re-enter this object.
        QObject::connect(
            reply, &QNetworkReply::finished, &context,
            [this, r = reply] {
                r->deleteLater();
                if (r == reply)
                    onReplyFinished();
            },
            Qt::QueuedConnection);
        watchdog.start(options.connectTimeoutMs);
        rateCheck.start(options.rateWindowMs);
    }

    void abortWith(const QString &reason)
    {
        if (failReason.isEmpty())
            failReason = reason;
        if (reply)
            reply->abort();
    }

    void onHeaders()
    {
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status == 0 || (status >= 300 && status < 400))
            return; // a redirect on its way, or no HTTP status yet
        sawResponse = true;
        watchdog.start(options.stallTimeoutMs);
        if (status >= 400) {
            // Not aborted: Qt finishes an HTTP error reply by itself (aborting it too reports the error twice); its
            // body is read and dropped.
            const QString phrase = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
            failReason = QStringLiteral("HTTP %1 %2").arg(status).arg(phrase).trimmed();
            return;
        }
        const qint64 length = reply->header(QNetworkRequest::ContentLengthHeader).toLongLong();
        const bool hasLength = reply->header(QNetworkRequest::ContentLengthHeader).isValid();
        if (requestOffset > 0 && status == 206) {
            static const QRegularExpression range(QStringLiteral("^bytes (\\d+)-(\\d+)/(\\d+|\\*)$"));
            const auto m = range.match(QString::fromLatin1(reply->rawHeader("Content-Range")).trimmed());
            if (!m.hasMatch() || m.captured(1).toLongLong() != requestOffset)
                return abortWith(QStringLiteral("the server resumed at the wrong byte (%1)")
                                     .arg(QString::fromLatin1(reply->rawHeader("Content-Range"))));
            expectedTotal = m.captured(3) == QLatin1String("*") ? (hasLength ? requestOffset + length : -1)
                                                                : m.captured(3).toLongLong();
        } else {
            if (requestOffset > 0) {
                message(QStringLiteral("the server does not resume; fetching %1 from the start")
                            .arg(files[fileIndex].name));
                buffer.clear();
                requestOffset = 0;
            }
            expectedTotal = hasLength ? length : -1;
        }
        if (expectedTotal > kMaxFileBytes)
            abortWith(
                QStringLiteral("announces %1 MB, far more than this dataset's files").arg(megabytes(expectedTotal)));
    }

    void onData()
    {
        if (!sawResponse)
            onHeaders();
        if (!failReason.isEmpty()) {
            reply->readAll();
            return;
        }
        const bool first = buffer.size() < 2;
        buffer += reply->readAll();
        watchdog.start(options.stallTimeoutMs);
        if (buffer.size() > kMaxFileBytes)
            return abortWith(QStringLiteral("sent more than %1 MB").arg(megabytes(kMaxFileBytes)));
        if (first && buffer.size() >= 2 && files[fileIndex].name.endsWith(QLatin1String(".gz"))
            && !(quint8(buffer[0]) == 0x1f && quint8(buffer[1]) == 0x8b)) {
            const QString type = reply->header(QNetworkRequest::ContentTypeHeader).toString();
            return abortWith(looksLikeHtml(buffer, type)
                                 ? QStringLiteral("served an HTML page, not a gzip file (Content-Type %1)")
                                       .arg(type.isEmpty() ? QStringLiteral("none") : type)
                                 : QStringLiteral("not a gzip file (it starts with bytes %1)")
                                       .arg(QString::fromLatin1(buffer.left(4).toHex(' '))));
        }
        reportProgress(false);
    }

    void reportProgress(bool force)
    {
        const qint64 now = clock.elapsed();
        samples.emplace_back(now, qint64(buffer.size()));
        while (samples.size() > 2 && now - samples.front().first > 3000)
            samples.pop_front();
        if (!*onProgress || (!force && now - lastProgressMs < 100))
            return;
        lastProgressMs = now;
        DownloadProgress p;
        p.file = files[fileIndex].name;
        p.fileIndex = fileIndex;
        p.fileCount = int(files.size());
        p.mirror = shown(mirrorIndex);
        p.fileBytes = buffer.size();
        p.fileTotal = expectedTotal;
        const qint64 dt = samples.back().first - samples.front().first;
        if (dt > 0)
            p.bytesPerSecond = double(samples.back().second - samples.front().second) * 1000.0 / double(dt);
        if (expectedTotal >= 0 && p.bytesPerSecond > 0)
            p.etaSeconds = double(expectedTotal - p.fileBytes) / p.bytesPerSecond;
        (*onProgress)(p);
    }

    void onReplyFinished()
    {
        watchdog.stop();
        rateCheck.stop();
        QNetworkReply *r = reply;
        if (!cancelled && failReason.isEmpty()) {
            if (!sawResponse)
                onHeaders(); // a reply with headers and no body (e.g. a 404 with nothing in it)
            if (failReason.isEmpty() && r->bytesAvailable() > 0)
                buffer += r->readAll();
        }
        reply = nullptr;
        if (cancelled)
            return finish(DownloadResult{false, true, {}, QStringLiteral("cancelled; nothing partial was kept")});
        if (!failReason.isEmpty())
            return mirrorFailed(failReason);
        const bool dropped
            = r->error() != QNetworkReply::NoError || (expectedTotal >= 0 && buffer.size() < expectedTotal);
        if (dropped) {
            const QString why = r->error() != QNetworkReply::NoError
                ? r->errorString()
                : QStringLiteral("truncated: got %1 of %2 bytes").arg(buffer.size()).arg(expectedTotal);
            // Something arrived before the connection dropped: ask once for the rest (HTTP Range).
            if (!retried && !buffer.isEmpty() && sawResponse) {
                retried = true;
                message(QStringLiteral("%1: %2; retrying once").arg(files[fileIndex].name, why));
                return get(r->url(), buffer.size());
            }
            if (expectedTotal >= 0 && buffer.size() < expectedTotal)
                return mirrorFailed(QStringLiteral("truncated: got %1 of %2 bytes (%3)")
                                        .arg(buffer.size())
                                        .arg(expectedTotal)
                                        .arg(why));
            return mirrorFailed(why);
        }
        if (expectedTotal >= 0 && buffer.size() > expectedTotal)
            return mirrorFailed(
                QStringLiteral("sent %1 bytes, more than the %2 announced").arg(buffer.size()).arg(expectedTotal));
        const RemoteFile &f = files[fileIndex];
        if (f.name.endsWith(QLatin1String(".gz"))
            && !(buffer.size() >= 2 && quint8(buffer[0]) == 0x1f && quint8(buffer[1]) == 0x8b))
            return mirrorFailed(buffer.isEmpty() ? QStringLiteral("empty response")
                                                 : QStringLiteral("not a gzip file"));
        const QByteArray md5 = QCryptographicHash::hash(buffer, QCryptographicHash::Md5).toHex();
        if (md5 != f.md5)
            return mirrorFailed(QStringLiteral("checksum mismatch: md5 %1, expected %2")
                                    .arg(QString::fromLatin1(md5), QString::fromLatin1(f.md5)));
        reportProgress(true);
        try {
            // A symbolic link at the final path is replaced, never written through (it could point anywhere).
            if (QFileInfo(filePath(f)).isSymLink())
                QFile::remove(filePath(f));
            AtomicFile::write(filePath(f), buffer);
        } catch (const StudioError &e) {
            return fail(e.message()); // the disk, not the mirror: another mirror would not help
        }
        message(QStringLiteral("%1: %2, md5 verified").arg(f.name, sizeText(buffer.size())));
        if (!mirrorsUsed.contains(shown(mirrorIndex)))
            mirrorsUsed << shown(mirrorIndex);
        buffer.clear();
        ++fileIndex;
        nextFile();
    }

    void onRateCheck()
    {
        const qint64 got = buffer.size() - bytesAtRateCheck;
        bytesAtRateCheck = buffer.size();
        const double rate = double(got) * 1000.0 / options.rateWindowMs;
        if (sawResponse && rate < options.minBytesPerSecond)
            abortWith(QStringLiteral("too slow: %1 bytes/s over %2 s")
                          .arg(rate, 0, 'f', 0)
                          .arg(options.rateWindowMs / 1000.0));
    }

    void onWatchdog()
    {
        abortWith(sawResponse ? QStringLiteral("stalled: no data for %1 s").arg(options.stallTimeoutMs / 1000.0)
                              : QStringLiteral("no response within %1 s").arg(options.connectTimeoutMs / 1000.0));
    }

    void complete()
    {
        // Nothing fetched and a record already here: it stays as it was (source and date of the real download).
        if (mirrorsUsed.isEmpty() && DatasetManifest::read(directory).kind == QLatin1String("downloaded"))
            return finish(DownloadResult{true, false, {}, {}});
        try {
            DatasetManifest m;
            m.kind = QStringLiteral("downloaded");
            m.source = mirrorsUsed.join(QStringLiteral(", "));
            for (const RemoteFile &f : std::as_const(files))
                m.md5.insert(f.name, f.md5);
            m.write(directory);
        } catch (const StudioError &e) {
            return fail(e.message());
        }
        message(QStringLiteral("%1: all %2 files verified in %3").arg(options.name).arg(files.size()).arg(directory));
        finish(DownloadResult{true, false, {}, {}});
    }

    void setUp()
    {
        const DatasetSource *source = DatasetSources::find(options.name);
        if (!source) {
            QStringList known;
            for (const DatasetSource &s : DatasetSources::all())
                known << s.name;
            setupError = QStringLiteral("unknown dataset '%1'; the studio can download: %2")
                             .arg(options.name, known.join(QStringLiteral(", ")));
            return;
        }
        mirrors = options.mirrors.isEmpty() ? source->mirrors : options.mirrors;
        for (QString &m : mirrors) {
            const QUrl url(m);
            if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))
                || url.host().isEmpty()) {
                setupError = QStringLiteral("mirror '%1' is not an http:// or https:// URL").arg(m);
                return;
            }
        }
        for (const RemoteFile &f : source->files) {
            RemoteFile file = f;
            if (!options.md5.isEmpty()) {
                if (!options.md5.contains(f.name)) {
                    setupError = QStringLiteral("the checksums given have none for %1").arg(f.name);
                    return;
                }
                file.md5 = options.md5.value(f.name);
            }
            files << file;
        }
        directory = QDir(options.dataRoot.isEmpty() ? DatasetStore::root() : options.dataRoot).filePath(options.name);
    }
};

DatasetDownload::DatasetDownload(DownloadOptions options) : d(std::make_unique<Impl>())
{
    d->options = std::move(options);
    d->onProgress = &onProgress;
    d->onMessage = &onMessage;
    d->onFinished = &onFinished;
    d->watchdog.setSingleShot(true);
    QObject::connect(&d->watchdog, &QTimer::timeout, &d->context, [this] { d->onWatchdog(); });
    QObject::connect(&d->rateCheck, &QTimer::timeout, &d->context, [this] { d->onRateCheck(); });
    d->setUp();
}

DatasetDownload::~DatasetDownload()
{
    if (d->reply) {
        QNetworkReply *r = d->reply;
        d->reply = nullptr;
        QObject::disconnect(r, nullptr, &d->context, nullptr);
        r->abort();
        r->deleteLater();
    }
}

void DatasetDownload::start()
{
    if (d->running)
        return;
    d->running = true;
    d->cancelled = false;
    d->fileIndex = 0;
    d->mirrorsUsed.clear();
    // Deferred, so onFinished never runs inside start() (the caller may not have finished wiring up).
    QTimer::singleShot(0, &d->context, [this] {
        if (!d->setupError.isEmpty())
            return d->fail(d->setupError);
        d->createdDirectory = !QFileInfo::exists(d->directory);
        if (!QDir().mkpath(d->directory))
            return d->fail(QStringLiteral("%1: cannot create the folder").arg(d->directory));
        d->nextFile();
    });
}

void DatasetDownload::cancel()
{
    if (!d->running || d->cancelled)
        return;
    d->cancelled = true;
    if (d->reply)
        d->reply->abort();
}

bool DatasetDownload::isRunning() const
{
    return d->running;
}

DownloadResult DatasetDownload::run(const std::function<bool()> &stopRequested)
{
    DownloadResult result;
    QEventLoop loop;
    const auto previous = onFinished;
    onFinished = [&](const DownloadResult &r) {
        result = r;
        if (previous)
            previous(r);
        loop.quit();
    };
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (stopRequested && stopRequested())
            cancel();
    });
    poll.start(100);
    start();
    loop.exec();
    onFinished = previous;
    return result;
}

} // namespace aestudio
