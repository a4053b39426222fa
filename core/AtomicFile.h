// Writing a file so that its final path only ever holds a complete file. Every writer in the project (run files,
// checkpoints, exports) goes through here, so a full disk, a quota or an I/O error can never leave a truncated file
// under a real name.
#pragma once

#include <QByteArrayView>
#include <QJsonObject>
#include <QString>

#include <initializer_list>
#include <vector>

class QImage;

namespace aestudio::AtomicFile {

// Writes the concatenation of `parts` to `path`: into a temp file in the same folder (QSaveFile), with the space
// reserved up front (posix_fallocate), every write(2) and the final fsync checked, then renamed over `path`. On any
// failure the temp file is removed, whatever was at `path` stays as it was, and WriteError says what happened, e.g.
// "<path>: disk full (1048576 bytes written of 3145728)".
void write(const QString &path, std::initializer_list<QByteArrayView> parts);
void write(const QString &path, const std::vector<QByteArrayView> &parts); // e.g. views of tensors, not copied
void write(const QString &path, const QByteArray &bytes);
void writeJson(const QString &path, const QJsonObject &json); // indented
void writeImage(const QString &path, const QImage &image);    // format from the suffix (png, jpg, ...)

// Fault injection for tests: after `bytes` more bytes have been written by this process, every write fails as if
// the disk were full. -1 turns it off.
void setWriteBudgetForTesting(qint64 bytes);

} // namespace aestudio::AtomicFile

namespace aestudio {

// The reading side, shared by every loader of a stranger's files (checkpoints, IDX datasets):
// Why `path` cannot be read as a regular file ("file not found", "is a folder", "is a FIFO or device, not a regular
// file", "is a broken symbolic link or a symbolic link loop", "permission denied"), or an empty string when it can.
QString unreadableFileReason(const QString &path);

} // namespace aestudio
