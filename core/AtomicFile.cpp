#include "AtomicFile.h"

#include "Errors.h"

#include <QBuffer>
#include <QFileInfo>
#include <QImage>
#include <QJsonDocument>
#include <QSaveFile>

#include <atomic>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

namespace aestudio {
namespace {

std::atomic<qint64> g_budget{-1};

// write(2) with the test budget applied: returns the bytes written, or -1 with errno set.
qint64 writeSome(int fd, const char *data, qint64 size)
{
    qint64 budget = g_budget.load();
    if (budget >= 0) {
        if (budget == 0) {
            errno = ENOSPC;
            return -1;
        }
        size = std::min(size, budget);
    }
    const ssize_t n = ::write(fd, data, std::size_t(size));
    if (n > 0 && budget >= 0)
        g_budget -= n;
    return n;
}

} // namespace

QString unreadableFileReason(const QString &path)
{
    const QFileInfo info(path);
    if (info.isSymLink() && !info.exists())
        return QStringLiteral("is a broken symbolic link or a symbolic link loop");
    if (!info.exists())
        return QStringLiteral("file not found");
    if (info.isDir())
        return QStringLiteral("is a folder, not a file");
    if (!info.isFile())
        return QStringLiteral("is a FIFO, socket or device, not a regular file");
    if (!info.isReadable())
        return QStringLiteral("permission denied");
    return {};
}

void AtomicFile::setWriteBudgetForTesting(qint64 bytes)
{
    g_budget = bytes;
}

void AtomicFile::write(const QString &path, std::initializer_list<QByteArrayView> parts)
{
    write(path, std::vector<QByteArrayView>(parts));
}

void AtomicFile::write(const QString &path, const std::vector<QByteArrayView> &parts)
{
    qint64 total = 0;
    for (const QByteArrayView &part : parts)
        total += part.size();

    QSaveFile file(path);
    file.setDirectWriteFallback(false); // never write in place, even in a folder that forbids creating files
    if (!file.open(QIODevice::WriteOnly | QIODevice::Unbuffered))
        throw WriteError(QStringLiteral("%1: cannot open for writing (%2)").arg(path, file.errorString()));
    const int fd = file.handle();
    qint64 written = 0;
    auto fail = [&](int error) {
        file.cancelWriting();
        if (error == ENOSPC || error == EDQUOT)
            return WriteError(
                QStringLiteral("%1: disk full (%2 bytes written of %3)").arg(path).arg(written).arg(total));
        return WriteError(QStringLiteral("%1: write failed after %2 of %3 bytes (%4)")
                              .arg(path)
                              .arg(written)
                              .arg(total)
                              .arg(QString::fromLocal8Bit(std::strerror(error))));
    };

    // Reserving the space first turns a full disk into an error before a single byte is written. Filesystems that
    // cannot (EOPNOTSUPP, EINVAL) fall through to the checked writes below.
    if (total > 0) {
        const int rc = g_budget.load() >= 0 && g_budget.load() < total ? ENOSPC : ::posix_fallocate(fd, 0, total);
        if (rc == ENOSPC || rc == EDQUOT || rc == EFBIG)
            throw fail(rc);
    }
    for (const QByteArrayView &part : parts) {
        qint64 done = 0;
        while (done < part.size()) {
            const qint64 n = writeSome(fd, part.data() + done, part.size() - done);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                throw fail(n == 0 ? EIO : errno);
            done += n;
            written += n;
        }
    }
    // Some filesystems (NFS, quotas) report a full disk only when the data is flushed; QSaveFile ignores fsync errors.
    if (::fsync(fd) != 0 && errno != EINVAL && errno != EROFS)
        throw fail(errno);
    if (!file.commit())
        throw WriteError(QStringLiteral("%1: cannot replace the file (%2)").arg(path, file.errorString()));
}

void AtomicFile::write(const QString &path, const QByteArray &bytes)
{
    write(path, {QByteArrayView(bytes)});
}

void AtomicFile::writeJson(const QString &path, const QJsonObject &json)
{
    write(path, QJsonDocument(json).toJson(QJsonDocument::Indented));
}

void AtomicFile::writeImage(const QString &path, const QImage &image)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    const QByteArray format = QFileInfo(path).suffix().toLower().toLatin1();
    if (!image.save(&buffer, format.isEmpty() ? "png" : format.constData()))
        throw StudioError(QStringLiteral("%1: cannot encode the image as %2").arg(path, QString::fromLatin1(format)));
    write(path, bytes);
}

} // namespace aestudio
