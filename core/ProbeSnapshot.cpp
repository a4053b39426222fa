#include "ProbeSnapshot.h"

#include "ImageFormat.h"

#include <algorithm>
#include <cmath>

namespace aestudio {
namespace {

void appendBytes(QByteArray &out, const std::vector<float> &images, std::size_t count)
{
    for (std::size_t i = 0; i < std::min(count, images.size()); ++i)
        out.append(char(std::uint8_t(std::lround(std::clamp(images[i], 0.0f, 1.0f) * 255.0f))));
}

std::vector<float> floatsOf(const QByteArray &pixels, qint64 begin, qint64 count)
{
    std::vector<float> out(static_cast<std::size_t>(count));
    const auto *p = reinterpret_cast<const std::uint8_t *>(pixels.constData()) + begin;
    for (qint64 i = 0; i < count; ++i)
        out[std::size_t(i)] = float(p[i]) / 255.0f;
    return out;
}

// Per-image PSNR of `images` against `clean`, and their mean MSE.
std::vector<double> perImagePsnr(const std::vector<float> &images, const std::vector<float> &clean, double &meanMse)
{
    const std::size_t n = clean.size() / kPixelsPerImage;
    std::vector<double> out(n);
    meanMse = 0;
    for (std::size_t i = 0; i < n; ++i) {
        double sum = 0;
        for (std::size_t k = i * kPixelsPerImage; k < (i + 1) * kPixelsPerImage; ++k) {
            const double d = double(images[k]) - double(clean[k]);
            sum += d * d;
        }
        const double mse = sum / kPixelsPerImage;
        meanMse += mse / double(n);
        out[i] = psnrDb(mse);
    }
    return out;
}

double mean(const std::vector<double> &v)
{
    double sum = 0;
    for (double x : v)
        sum += x;
    return v.empty() ? 0.0 : sum / double(v.size());
}

} // namespace

qint64 ProbeSnapshot::expectedBytes() const
{
    return qint64(kRows) * count * kPixelsPerImage;
}

ProbeSnapshot ProbeSnapshot::of(const Reconstruction &r, int epoch)
{
    ProbeSnapshot s;
    s.epoch = epoch;
    s.count = std::min(r.count, kMaxProbes);
    const std::size_t n = std::size_t(s.count) * kPixelsPerImage;
    s.pixels.reserve(qsizetype(s.expectedBytes()));
    for (const std::vector<float> *row : {&r.clean, &r.noisy, &r.reconstructed})
        appendBytes(s.pixels, *row, n);
    s.pixels.resize(qsizetype(s.expectedBytes()), '\0'); // a missing row (no model yet) stays black
    return s;
}

Reconstruction ProbeSnapshot::toReconstruction() const
{
    Reconstruction r;
    if (!isValid())
        return r;
    r.count = count;
    const qint64 n = qint64(count) * kPixelsPerImage;
    r.clean = floatsOf(pixels, 0, n);
    r.noisy = floatsOf(pixels, n, n);
    r.reconstructed = floatsOf(pixels, 2 * n, n);
    QualityMetrics &m = r.metrics;
    m.images = count;
    r.psnrDb = perImagePsnr(r.reconstructed, r.clean, m.mse);
    r.noisyPsnrDb = perImagePsnr(r.noisy, r.clean, m.noisyMse);
    m.psnrMeanDb = mean(r.psnrDb);
    m.psnrGlobalDb = psnrDb(m.mse);
    m.noisyPsnrMeanDb = mean(r.noisyPsnrDb);
    m.noisyPsnrGlobalDb = psnrDb(m.noisyMse);
    return r;
}

} // namespace aestudio
