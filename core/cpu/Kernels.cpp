#include "Kernels.h"

#include "CounterRandom.h"
#include "FastMath.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace aestudio::kernels {

using counterrandom::mix;

// The dropout draws read 64-bit hashes as 16-bit lanes in memory order (biasReluDropoutRows).
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "dropout draws assume a little-endian machine");

#define AESTUDIO_SIMD_CLONES __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))

AESTUDIO_SIMD_CLONES void biasReluDropoutRows(float *z, float *a, float *mask, const float *bias, std::int64_t width,
                                              std::int64_t rowBegin, std::int64_t rowEnd, std::int64_t layerCols,
                                              std::int64_t firstColumn, const DropoutParams &p)
{
    for (std::int64_t r = rowBegin; r < rowEnd; ++r) {
        const std::int64_t base = r * width;
        if (!p.dropping) {
#pragma omp simd
            for (std::int64_t c = 0; c < width; ++c) {
                const float v = z[base + c] + bias[c];
                const float m = v > 0.0f ? 1.0f : 0.0f;
                z[base + c] = v;
                mask[base + c] = m;
                a[base + c] = v * m;
            }
            continue;
        }
        // Element i keeps its value when the (i mod 4)-th 16-bit lane of mix(seed + i/4) is below the threshold.
        // Those lanes, little-endian, are just the 64-bit draws read as 16-bit numbers: so the draws of a chunk are
        // hashed in one vector loop over 64-bit lanes, copied out as 16-bit lanes, and compared in a second loop.
        constexpr std::int64_t kChunk = 256;
        std::uint64_t hashes[kChunk / 4 + 1];
        std::uint16_t draws[4 * (kChunk / 4 + 1)];
        const float threshold = float(p.threshold), scale = p.scale; // locals: the stores below cannot alias them
        for (std::int64_t c0 = 0; c0 < width; c0 += kChunk) {
            const std::int64_t n = std::min(kChunk, width - c0);
            const std::uint64_t first = std::uint64_t(r * layerCols + firstColumn + c0), group = first >> 2;
            const std::int64_t groups = std::int64_t(((first + std::uint64_t(n) - 1) >> 2) - group) + 1;
#pragma omp simd
            for (std::int64_t k = 0; k < groups; ++k)
                hashes[k] = mix(p.seed + group + std::uint64_t(k));
            std::memcpy(draws, hashes, std::size_t(groups) * sizeof(std::uint64_t));
            const std::uint16_t *d = draws + (first & 3);
            float *zc = z + base + c0, *ac = a + base + c0, *mc = mask + base + c0;
            const float *bc = bias + c0;
#pragma omp simd
            for (std::int64_t c = 0; c < n; ++c) {
                const float v = zc[c] + bc[c];
                // Compared as floats (exact below 2^24), so the loop stays on 32-bit lanes.
                const float keep = float(d[c]) < threshold ? scale : 0.0f;
                const float m = v > 0.0f ? keep : 0.0f;
                zc[c] = v;
                mc[c] = m;
                ac[c] = v * m;
            }
        }
    }
}

AESTUDIO_SIMD_CLONES void gatherScaledRows(const std::uint8_t *src, const std::int64_t *rows, std::int64_t count,
                                           std::int64_t cols, float scale, float *dst)
{
    for (std::int64_t i = 0; i < count; ++i) {
        const std::uint8_t *from = src + rows[i] * cols;
        float *to = dst + i * cols;
#pragma omp simd
        for (std::int64_t c = 0; c < cols; ++c)
            to[c] = float(from[c]) * scale;
    }
}

void prefetchRows(const std::uint8_t *src, const std::int64_t *rows, std::int64_t count, std::int64_t cols)
{
    for (std::int64_t i = 0; i < count; ++i) {
        const std::uint8_t *row = src + rows[i] * cols;
        for (std::int64_t c = 0; c < cols; c += 64)
            __builtin_prefetch(row + c, 0, 1);
        __builtin_prefetch(row + cols - 1, 0, 1);
    }
}

AESTUDIO_SIMD_CLONES void biasReluRows(float *z, const float *bias, std::int64_t cols, std::int64_t rowBegin,
                                       std::int64_t rowEnd)
{
    for (std::int64_t r = rowBegin; r < rowEnd; ++r) {
        float *row = z + r * cols;
#pragma omp simd
        for (std::int64_t c = 0; c < cols; ++c) {
            const float v = row[c] + bias[c];
            row[c] = v > 0.0f ? v : 0.0f;
        }
    }
}

AESTUDIO_SIMD_CLONES void biasRows(float *z, const float *bias, std::int64_t width, std::int64_t rowBegin,
                                   std::int64_t rowEnd)
{
    for (std::int64_t r = rowBegin; r < rowEnd; ++r) {
        float *row = z + r * width;
#pragma omp simd
        for (std::int64_t c = 0; c < width; ++c)
            row[c] += bias[c];
    }
}

// The output layer's activation, the same expression in training and in evaluation.
static inline float sigmoid(float z)
{
    return 1.0f / (1.0f + fastmath::exp(-z));
}

AESTUDIO_SIMD_CLONES double sigmoidMseRows(const float *z, const float *bias, const float *target,
                                           std::int64_t targetStride, float *y, float *dz, std::int64_t width,
                                           std::int64_t rowBegin, std::int64_t rowEnd, float twoOverN)
{
    double total = 0.0;
    for (std::int64_t r = rowBegin; r < rowEnd; ++r) {
        const std::int64_t base = r * width;
        const float *t = target + r * targetStride;
        float rowSum = 0.0f;
#pragma omp simd reduction(+ : rowSum)
        for (std::int64_t c = 0; c < width; ++c) {
            const std::int64_t i = base + c;
            const float out = sigmoid(z[i] + bias[c]);
            const float diff = out - t[c];
            y[i] = out;
            dz[i] = twoOverN * diff * out * (1.0f - out);
            rowSum += diff * diff;
        }
        total += double(rowSum);
    }
    return total;
}

AESTUDIO_SIMD_CLONES void sigmoidSquaredErrorRows(const float *z, const float *bias, const float *target,
                                                  std::int64_t cols, std::int64_t rowBegin, std::int64_t rowEnd,
                                                  double *rowSquaredError)
{
    for (std::int64_t r = rowBegin; r < rowEnd; ++r) {
        const std::int64_t base = r * cols;
        float rowSum = 0.0f;
#pragma omp simd reduction(+ : rowSum)
        for (std::int64_t c = 0; c < cols; ++c) {
            const float out = sigmoid(z[base + c] + bias[c]);
            const float diff = out - target[base + c];
            rowSum += diff * diff;
        }
        rowSquaredError[r - rowBegin] = double(rowSum);
    }
}

AESTUDIO_SIMD_CLONES void multiplyInPlace(float *d, const float *mask, std::int64_t begin, std::int64_t end)
{
#pragma omp simd
    for (std::int64_t i = begin; i < end; ++i)
        d[i] *= mask[i];
}

AESTUDIO_SIMD_CLONES void sumParts(const float *const *parts, int count, const float *mask, std::int64_t n, float *out)
{
    constexpr std::int64_t kChunk = 2048; // 8 KB: each pass over a chunk finds it in L1
    for (std::int64_t b = 0; b < n; b += kChunk) {
        const std::int64_t e = std::min(n, b + kChunk);
        const float *first = parts[0];
#pragma omp simd
        for (std::int64_t i = b; i < e; ++i)
            out[i] = first[i];
        for (int k = 1; k < count; ++k) {
            const float *part = parts[k];
#pragma omp simd
            for (std::int64_t i = b; i < e; ++i)
                out[i] += part[i];
        }
        if (mask) {
#pragma omp simd
            for (std::int64_t i = b; i < e; ++i)
                out[i] *= mask[i];
        }
    }
}

AESTUDIO_SIMD_CLONES void columnSums(const float *m, std::int64_t ld, float *out, std::int64_t rows, std::int64_t cols)
{
    std::fill(out, out + cols, 0.0f);
    for (std::int64_t r = 0; r < rows; ++r) {
        const float *row = m + r * ld;
#pragma omp simd
        for (std::int64_t c = 0; c < cols; ++c)
            out[c] += row[c];
    }
}

AESTUDIO_SIMD_CLONES void adamRange(float *p, const float *grad, float *m, float *v, std::int64_t begin,
                                    std::int64_t end, const AdamCoefficients &c)
{
#pragma omp simd
    for (std::int64_t i = begin; i < end; ++i) {
        const float g = grad[i] + c.wd * p[i];
        const float mi = c.b1 * m[i] + (1.0f - c.b1) * g;
        const float vi = c.b2 * v[i] + (1.0f - c.b2) * g * g;
        m[i] = mi;
        v[i] = vi;
        p[i] -= c.stepSize * mi / (std::sqrt(vi) * c.invSqrtBc2 + c.eps);
    }
}

} // namespace aestudio::kernels
