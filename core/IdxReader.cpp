#include "IdxReader.h"

#include "AtomicFile.h"
#include "Errors.h"

#include <QFile>
#include <QFileInfo>

#include <zlib.h>

#include <array>
#include <memory>

namespace aestudio {
namespace {

constexpr std::uint32_t kImageMagic = 0x00000803; // unsigned byte, 3 dimensions
constexpr std::uint32_t kLabelMagic = 0x00000801; // unsigned byte, 1 dimension

// gzread reads plain files transparently, so one code path serves .gz and raw IDX files.
class GzStream {
public:
    explicit GzStream(const QString &path) : m_path(path)
    {
        const QString problem = unreadableFileReason(path);
        if (!problem.isEmpty())
            throw DatasetError(QStringLiteral("%1: %2").arg(path, problem));
        m_file = gzopen(QFile::encodeName(path).constData(), "rb");
        if (!m_file)
            throw DatasetError(QStringLiteral("%1: cannot open for reading").arg(path));
    }
    ~GzStream()
    {
        if (m_file)
            gzclose(m_file);
    }
    GzStream(const GzStream &) = delete;
    GzStream &operator=(const GzStream &) = delete;

    // Reads up to `size` bytes; returns how many arrived. Throws on a corrupt compressed stream.
    std::int64_t read(void *buffer, std::int64_t size)
    {
        auto *out = static_cast<unsigned char *>(buffer);
        std::int64_t total = 0;
        while (total < size) {
            const unsigned chunk = static_cast<unsigned>(std::min<std::int64_t>(size - total, 1 << 30));
            const int got = gzread(m_file, out + total, chunk);
            if (got < 0) {
                int err = 0;
                const char *msg = gzerror(m_file, &err);
                throw DatasetError(QStringLiteral("%1: corrupt or unreadable data (%2)")
                                       .arg(m_path, QString::fromLatin1(msg ? msg : "zlib error")));
            }
            if (got == 0)
                break;
            total += got;
        }
        return total;
    }

    bool atEnd()
    {
        unsigned char probe;
        return read(&probe, 1) == 0;
    }

private:
    QString m_path;
    gzFile m_file = nullptr;
};

std::uint32_t bigEndian(const unsigned char *p)
{
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | std::uint32_t(p[3]);
}

template <std::size_t N>
std::array<std::uint32_t, N> readHeader(GzStream &in, const QString &path, std::uint32_t expectedMagic,
                                        const char *kind)
{
    std::array<unsigned char, 4 * N> raw{};
    if (in.read(raw.data(), raw.size()) != std::int64_t(raw.size()))
        throw DatasetError(QStringLiteral("%1: truncated header (expected %2 bytes)").arg(path).arg(raw.size()));
    std::array<std::uint32_t, N> fields{};
    for (std::size_t i = 0; i < N; ++i)
        fields[i] = bigEndian(raw.data() + 4 * i);
    if (fields[0] != expectedMagic) {
        const std::uint32_t dims = fields[0] & 0xff;
        if ((fields[0] & 0xffff0000u) == 0 && ((fields[0] >> 8) & 0xff) == 0x08 && dims != (expectedMagic & 0xff))
            throw DatasetError(QStringLiteral("%1: %2 file must have %3 dimension(s), header says %4")
                                   .arg(path, QLatin1String(kind))
                                   .arg(expectedMagic & 0xff)
                                   .arg(dims));
        throw DatasetError(QStringLiteral("%1: bad magic number 0x%2, expected 0x%3 (%4 file)")
                               .arg(path)
                               .arg(fields[0], 8, 16, QLatin1Char('0'))
                               .arg(expectedMagic, 8, 16, QLatin1Char('0'))
                               .arg(QLatin1String(kind)));
    }
    if (fields[1] > std::uint32_t(IdxReader::kMaxItems))
        throw DatasetError(QStringLiteral("%1: header claims %2 items, more than the limit of %3")
                               .arg(path)
                               .arg(fields[1])
                               .arg(IdxReader::kMaxItems));
    return fields;
}

// Grows the buffer chunk by chunk instead of trusting the header's size up front: a header that lies about a huge
// count on a small file fails at the real end of data, not in an allocation.
// `wholeFile` false: the caller asked for a prefix, so the rest of the stream is left uninflated.
std::vector<std::uint8_t> readPayload(GzStream &in, const QString &path, std::int64_t expected, bool wholeFile)
{
    constexpr std::int64_t kChunk = 8 << 20;
    std::vector<std::uint8_t> data;
    std::int64_t got = 0;
    while (got < expected) {
        const std::int64_t want = std::min(kChunk, expected - got);
        data.resize(std::size_t(got + want));
        const std::int64_t n = in.read(data.data() + got, want);
        got += n;
        if (n < want)
            throw DatasetError(QStringLiteral("%1: payload is short: header promises %2 bytes, file has %3")
                                   .arg(path)
                                   .arg(expected)
                                   .arg(got));
    }
    if (wholeFile && !in.atEnd())
        throw DatasetError(
            QStringLiteral("%1: payload is longer than the %2 bytes the header promises").arg(path).arg(expected));
    return data;
}

std::int64_t itemsToRead(std::uint32_t declared, std::int64_t maxItems)
{
    return maxItems < 0 ? std::int64_t(declared) : std::min<std::int64_t>(declared, maxItems);
}

} // namespace

IdxImages IdxReader::readImages(const QString &path, std::int64_t maxItems)
{
    GzStream in(path);
    const auto h = readHeader<4>(in, path, kImageMagic, "image");
    if (h[2] != kImageSide || h[3] != kImageSide)
        throw DatasetError(
            QStringLiteral("%1: images are %2x%3, the studio needs 28x28").arg(path).arg(h[2]).arg(h[3]));
    IdxImages images;
    const std::int64_t count = itemsToRead(h[1], maxItems);
    images.count = int(count);
    images.declaredCount = int(h[1]);
    images.pixels = readPayload(in, path, count * h[2] * h[3], maxItems < 0);
    return images;
}

std::vector<std::uint8_t> IdxReader::readLabels(const QString &path, std::int64_t maxItems, std::int64_t *declaredCount)
{
    GzStream in(path);
    const auto h = readHeader<2>(in, path, kLabelMagic, "label");
    if (declaredCount)
        *declaredCount = h[1];
    const std::vector<std::uint8_t> labels = readPayload(in, path, itemsToRead(h[1], maxItems), maxItems < 0);
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (labels[i] > 9)
            throw DatasetError(
                QStringLiteral("%1: label %2 at index %3 is outside 0-9").arg(path).arg(labels[i]).arg(i));
    }
    return labels;
}

} // namespace aestudio
