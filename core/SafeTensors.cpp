#include "SafeTensors.h"

#include "Errors.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtEndian>

#include <algorithm>
#include <cmath>

namespace aestudio {
namespace {

constexpr qint64 kMaxDimension = qint64(1) << 40;
const QString kMetadataKey = QStringLiteral("__metadata__");

FormatError bad(const QString &what)
{
    return FormatError(what);
}

// A JSON number that is an exact non-negative integer no larger than `limit`, else -1.
qint64 wholeNumber(const QJsonValue &v, qint64 limit)
{
    if (!v.isDouble())
        return -1;
    const double d = v.toDouble();
    if (!(d >= 0) || d > double(limit) || std::floor(d) != d)
        return -1;
    return qint64(d);
}

bool validName(const QString &name)
{
    if (name.isEmpty() || name.size() > 200)
        return false;
    return std::all_of(name.begin(), name.end(), [](QChar c) {
        return (c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('A') && c <= QLatin1Char('Z'))
            || (c >= QLatin1Char('0') && c <= QLatin1Char('9')) || c == QLatin1Char('.') || c == QLatin1Char('_');
    });
}

} // namespace

qint64 SafeTensors::Entry::elements() const
{
    qint64 n = 1;
    for (qint64 d : shape)
        n *= d;
    return n;
}

const SafeTensors::Entry *SafeTensors::Header::find(const QString &name) const
{
    for (const Entry &e : entries)
        if (e.name == name)
            return &e;
    return nullptr;
}

qint64 SafeTensors::headerLength(const QByteArray &prefix8, qint64 fileSize)
{
    if (prefix8.size() != 8)
        throw bad(QStringLiteral("truncated: shorter than the 8-byte header length"));
    const quint64 n = qFromLittleEndian<quint64>(prefix8.constData());
    if (n == 0 || n > quint64(kMaxHeaderBytes))
        throw bad(QStringLiteral("header length %1 is implausible").arg(n));
    if (qint64(n) > fileSize - 8)
        throw bad(QStringLiteral("truncated header (%1 bytes promised, %2 present)").arg(n).arg(fileSize - 8));
    return qint64(n);
}

SafeTensors::Header SafeTensors::parseHeader(const QByteArray &json, qint64 fileSize)
{
    Header header;
    header.dataOffset = 8 + json.size();
    const qint64 dataSize = fileSize - header.dataOffset;
    if (dataSize < 0)
        throw bad(QStringLiteral("truncated header"));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (!doc.isObject())
        throw bad(QStringLiteral("the tensor table is not a JSON object (%1)").arg(error.errorString()));
    const QJsonObject table = doc.object();
    for (auto it = table.begin(); it != table.end(); ++it) {
        const QString name = it.key();
        if (name == kMetadataKey) {
            if (!it.value().isObject())
                throw bad(QStringLiteral("__metadata__ is not an object"));
            const QJsonObject meta = it.value().toObject();
            for (auto m = meta.begin(); m != meta.end(); ++m) {
                if (!m.value().isString())
                    throw bad(QStringLiteral("metadata value of '%1' is not a string").arg(m.key().left(60)));
                header.metadata.insert(m.key(), m.value().toString());
            }
            continue;
        }
        if (!validName(name))
            throw bad(QStringLiteral("invalid tensor name '%1'").arg(name.left(60)));
        const QJsonObject t = it.value().toObject();
        const QString dtype = t.value(QStringLiteral("dtype")).toString();
        if (dtype != QLatin1String("F32") && dtype != QLatin1String("U8"))
            throw bad(QStringLiteral("tensor %1 has dtype '%2' (only F32 and U8 are read)").arg(name, dtype.left(20)));
        const QJsonArray shape = t.value(QStringLiteral("shape")).toArray();
        const QJsonArray offsets = t.value(QStringLiteral("data_offsets")).toArray();
        if (shape.size() > 4 || offsets.size() != 2)
            throw bad(QStringLiteral("tensor %1 has a malformed shape or data_offsets").arg(name));
        Entry e;
        e.name = name;
        e.dtype = dtype == QLatin1String("U8") ? DType::U8 : DType::F32;
        const qint64 width = e.dtype == DType::F32 ? 4 : 1;
        qint64 elements = 1;
        for (const QJsonValue &v : shape) {
            const qint64 d = wholeNumber(v, kMaxDimension);
            if (d < 0)
                throw bad(QStringLiteral("tensor %1 has an invalid dimension").arg(name));
            e.shape.append(d);
            elements = d == 0 ? 0 : (elements > kMaxDimension / d ? kMaxDimension + 1 : elements * d);
        }
        e.begin = wholeNumber(offsets[0], dataSize);
        e.end = wholeNumber(offsets[1], dataSize);
        if (e.begin < 0 || e.end < 0 || e.end < e.begin)
            throw bad(
                QStringLiteral("tensor %1 lies outside the file: truncated or crafted (data_offsets beyond %2 bytes)")
                    .arg(name)
                    .arg(dataSize));
        if (elements > kMaxDimension || e.end - e.begin != elements * width)
            throw bad(QStringLiteral("tensor %1: its shape needs %2 bytes, its data_offsets give %3")
                          .arg(name)
                          .arg(elements * width)
                          .arg(e.end - e.begin));
        header.entries.append(e);
    }
    // The byte ranges must tile the data section: no overlap, no gap, nothing after the last tensor.
    std::sort(header.entries.begin(), header.entries.end(),
              [](const Entry &a, const Entry &b) { return a.begin != b.begin ? a.begin < b.begin : a.end < b.end; });
    qint64 next = 0;
    for (const Entry &e : header.entries) {
        if (e.begin != next)
            throw bad(
                QStringLiteral("tensor %1 %2 another tensor's bytes")
                    .arg(e.name, e.begin < next ? QStringLiteral("overlaps") : QStringLiteral("leaves a gap before")));
        next = e.end;
    }
    if (next != dataSize)
        throw bad(QStringLiteral("%1 bytes after the last tensor").arg(dataSize - next));
    return header;
}

QByteArray SafeTensors::buildHeader(QVector<Entry> &entries, const QHash<QString, QString> &metadata)
{
    QJsonObject table;
    QJsonObject meta;
    for (auto it = metadata.begin(); it != metadata.end(); ++it)
        meta.insert(it.key(), it.value());
    table.insert(kMetadataKey, meta);
    qint64 offset = 0;
    for (Entry &e : entries) {
        e.begin = offset;
        e.end = offset + e.bytes();
        offset = e.end;
        QJsonArray shape;
        for (qint64 d : e.shape)
            shape.append(double(d));
        table.insert(
            e.name,
            QJsonObject{{QStringLiteral("dtype"), e.dtype == DType::F32 ? QStringLiteral("F32") : QStringLiteral("U8")},
                        {QStringLiteral("shape"), shape},
                        {QStringLiteral("data_offsets"), QJsonArray{double(e.begin), double(e.end)}}});
    }
    QByteArray json = QJsonDocument(table).toJson(QJsonDocument::Compact);
    while (json.size() % 8 != 0)
        json.append(' ');
    QByteArray out(8, '\0');
    qToLittleEndian<quint64>(quint64(json.size()), out.data());
    return out + json;
}

} // namespace aestudio
