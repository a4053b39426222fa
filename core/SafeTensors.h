// The safetensors container (https://huggingface.co/docs/safetensors): an 8-byte little-endian header length, a
// JSON header naming each tensor's dtype, shape and byte range, then the raw bytes. Pure data: nothing in it can run
// code, and Python reads it with `safetensors.torch.load_file`. This part is torch-free: it parses and validates the
// header (every name, dtype, shape and byte range against the file size) before any tensor memory is allocated.
#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QVector>

namespace aestudio::SafeTensors {

constexpr qint64 kMaxHeaderBytes = 16 << 20;

// The two dtypes we read and write: float32 for weights, uint8 for the stored probe images.
enum class DType { F32, U8 };

struct Entry {
    QString name;
    QVector<qint64> shape;
    DType dtype = DType::F32;
    qint64 begin = 0; // byte range in the data section (after the header)
    qint64 end = 0;
    qint64 elements() const;
    qint64 bytes() const { return elements() * (dtype == DType::F32 ? 4 : 1); }
};

struct Header {
    QHash<QString, QString> metadata; // "__metadata__": string to string
    QVector<Entry> entries;           // in data order
    qint64 dataOffset = 0;            // where the data section starts in the file
    const Entry *find(const QString &name) const;
};

// Reads the length prefix: returns the header's byte count, or throws FormatError when it cannot fit a file of
// `fileSize` bytes or exceeds kMaxHeaderBytes.
qint64 headerLength(const QByteArray &prefix8, qint64 fileSize);
// Parses the JSON header of a file of `fileSize` bytes whose header is `json`. Only F32 and U8 tensors are accepted;
// the byte ranges must tile the data section exactly (as safetensors itself requires). Throws FormatError.
Header parseHeader(const QByteArray &json, qint64 fileSize);

// Builds a header for `entries` (laid out in order, their begin/end filled in here) plus `metadata`, padded with
// spaces to a multiple of 8 bytes, with the 8-byte length prefix in front.
QByteArray buildHeader(QVector<Entry> &entries, const QHash<QString, QString> &metadata);

} // namespace aestudio::SafeTensors
