#include "TinyIdx.h"

#include <QDir>
#include <QFile>

#include <zlib.h>

#include <cmath>
#include <random>
#include <stdexcept>

namespace aestudio::testing {
namespace {
void appendBe32(QByteArray &out, std::uint32_t v)
{
    out.append(char(v >> 24)).append(char(v >> 16)).append(char(v >> 8)).append(char(v));
}
} // namespace

std::vector<std::uint8_t> syntheticImages(int count, std::uint64_t seed, std::vector<std::uint8_t> *labels)
{
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> jitter(-2.0, 2.0);
    std::vector<std::uint8_t> pixels(std::size_t(count) * 784, 0);
    if (labels)
        labels->resize(std::size_t(count));
    for (int i = 0; i < count; ++i) {
        const int label = int(rng() % 10);
        if (labels)
            (*labels)[std::size_t(i)] = std::uint8_t(label);
        const double angle = label * M_PI / 10.0;
        const double cx = 14 + jitter(rng), cy = 14 + jitter(rng);
        const double dx = std::cos(angle), dy = std::sin(angle);
        for (int y = 0; y < 28; ++y) {
            for (int x = 0; x < 28; ++x) {
                const double px = x - cx, py = y - cy;
                const double along = px * dx + py * dy;
                const double across = -px * dy + py * dx;
                if (std::abs(along) < 9 && std::abs(across) < 2.2)
                    pixels[std::size_t(i) * 784 + std::size_t(y * 28 + x)] = std::uint8_t(200 + (label * 5));
            }
        }
    }
    return pixels;
}

QByteArray idxImagesBytes(const std::vector<std::uint8_t> &pixels, int count, int rows, int cols)
{
    QByteArray out;
    appendBe32(out, 0x00000803);
    appendBe32(out, std::uint32_t(count));
    appendBe32(out, std::uint32_t(rows));
    appendBe32(out, std::uint32_t(cols));
    out.append(reinterpret_cast<const char *>(pixels.data()), qsizetype(pixels.size()));
    return out;
}

QByteArray idxLabelsBytes(const std::vector<std::uint8_t> &labels)
{
    QByteArray out;
    appendBe32(out, 0x00000801);
    appendBe32(out, std::uint32_t(labels.size()));
    out.append(reinterpret_cast<const char *>(labels.data()), qsizetype(labels.size()));
    return out;
}

QByteArray gzip(const QByteArray &raw)
{
    z_stream zs{};
    if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("deflateInit2 failed");
    QByteArray out(int(deflateBound(&zs, uLong(raw.size()))) + 64, Qt::Uninitialized);
    zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(raw.constData()));
    zs.avail_in = uInt(raw.size());
    zs.next_out = reinterpret_cast<Bytef *>(out.data());
    zs.avail_out = uInt(out.size());
    const int rc = deflate(&zs, Z_FINISH);
    deflateEnd(&zs);
    if (rc != Z_STREAM_END)
        throw std::runtime_error("deflate failed");
    out.resize(qsizetype(zs.total_out));
    return out;
}

void writeBytes(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
        throw std::runtime_error("cannot write test file " + path.toStdString());
}

void writeDataset(const QString &dir, int trainCount, int testCount, bool gz, std::uint64_t seed)
{
    QDir().mkpath(dir);
    const QString suffix = gz ? QStringLiteral(".gz") : QString();
    auto put = [&](const char *stem, const QByteArray &raw) {
        writeBytes(QDir(dir).filePath(QString::fromLatin1(stem) + suffix), gz ? gzip(raw) : raw);
    };
    std::vector<std::uint8_t> labels;
    auto train = syntheticImages(trainCount, seed, &labels);
    put("train-images-idx3-ubyte", idxImagesBytes(train, trainCount));
    put("train-labels-idx1-ubyte", idxLabelsBytes(labels));
    auto test = syntheticImages(testCount, seed + 1000, &labels);
    put("t10k-images-idx3-ubyte", idxImagesBytes(test, testCount));
    put("t10k-labels-idx1-ubyte", idxLabelsBytes(labels));
}

} // namespace aestudio::testing
