#include "Kernels.h"

#include "CounterRandom.h"
#include "FastMath.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace aestudio::kernels {

using counterrandom::mix;

// The dropout draws read 64-bit hashes as 16-bit lanes in memory order (biasReluDropoutRows).
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "dropout draws assume a little-endian machine");

#define AESTUDIO_SIMD_CLONES __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))

AESTUDIO_SIMD_CLONES void biasReluDropoutRows(const float *z, std::int64_t zStride, float *a, std::int64_t aStride,
                                              const float *bias, std::int64_t width, std::int64_t rowBegin,
                                              std::int64_t rowEnd, std::int64_t layerCols, std::int64_t firstColumn,
                                              const DropoutParams &p)
{
    for (std::int64_t r = rowBegin; r < rowEnd; ++r) {
        const float *zr = z + (r - rowBegin) * zStride;
        float *ar = a + (r - rowBegin) * aStride;
        if (!p.dropping) {
#pragma omp simd
            for (std::int64_t c = 0; c < width; ++c) {
                const float v = zr[c] + bias[c];
                ar[c] = v * (v > 0.0f ? 1.0f : 0.0f);
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
            const float *zc = zr + c0, *bc = bias + c0;
            float *ac = ar + c0;
#pragma omp simd
            for (std::int64_t c = 0; c < n; ++c) {
                const float v = zc[c] + bc[c];
                // Compared as floats (exact below 2^24), so the loop stays on 32-bit lanes.
                const float keep = float(d[c]) < threshold ? scale : 0.0f;
                ac[c] = v * (v > 0.0f ? keep : 0.0f);
            }
        }
    }
}

namespace {
// Calls visit(scratch, r0, r1) for groups of up to 8 rows of a [rows, width] block stored transposed (zT[c * ldz +
// r]), with scratch holding rows [r0, r1) row-major, width floats apart: small enough to stay in L1 (25 KB at width
// 784), so the row-wise kernels read their input from there and write only their outputs.
template <typename Rows>
void forTransposedRows(const float *zT, std::int64_t ldz, std::int64_t width, std::int64_t rows, Rows &&visit)
{
    constexpr std::int64_t kRows = 8;
    thread_local std::vector<float> scratch;
    scratch.resize(std::size_t(kRows * width));
    for (std::int64_t r0 = 0; r0 < rows; r0 += kRows) {
        const std::int64_t r1 = std::min(rows, r0 + kRows);
        transpose(zT + r0, ldz, width, r1 - r0, scratch.data(), width);
        visit(scratch.data(), r0, r1);
    }
}
} // namespace

void biasReluDropoutTransposed(const float *zT, std::int64_t ldz, float *a, const float *bias, std::int64_t width,
                               std::int64_t rows, std::int64_t layerCols, std::int64_t firstColumn,
                               const DropoutParams &p)
{
    forTransposedRows(zT, ldz, width, rows, [&](const float *z, std::int64_t r0, std::int64_t r1) {
        biasReluDropoutRows(z, width, a + r0 * width, width, bias, width, r0, r1, layerCols, firstColumn, p);
    });
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

AESTUDIO_SIMD_CLONES double sigmoidMseRows(const float *z, std::int64_t zStride, const float *bias, const float *target,
                                           std::int64_t targetStride, float *dz, std::int64_t width,
                                           std::int64_t rowBegin, std::int64_t rowEnd, float twoOverN, double total)
{
    for (std::int64_t r = rowBegin; r < rowEnd; ++r) {
        const std::int64_t base = r * width;
        const float *t = target + r * targetStride, *zr = z + (r - rowBegin) * zStride;
        float rowSum = 0.0f;
#pragma omp simd reduction(+ : rowSum)
        for (std::int64_t c = 0; c < width; ++c) {
            const std::int64_t i = base + c;
            const float out = sigmoid(zr[c] + bias[c]);
            const float diff = out - t[c];
            dz[i] = twoOverN * diff * out * (1.0f - out);
            rowSum += diff * diff;
        }
        total += double(rowSum);
    }
    return total;
}

double sigmoidMseTransposed(const float *zT, std::int64_t ldz, const float *bias, const float *target,
                            std::int64_t targetStride, float *dz, std::int64_t width, std::int64_t rows, float twoOverN)
{
    double total = 0.0;
    forTransposedRows(zT, ldz, width, rows, [&](const float *z, std::int64_t r0, std::int64_t r1) {
        total = sigmoidMseRows(z, width, bias, target, targetStride, dz, width, r0, r1, twoOverN, total);
    });
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

// The ReLU/dropout mask of an element whose activation is a: biasReluDropoutRows keeps no mask, as this gives it.
static inline float maskOf(float a, float scale)
{
    return a > 0.0f ? scale : 0.0f;
}

AESTUDIO_SIMD_CLONES void maskByActivation(float *d, const float *a, float scale, std::int64_t begin, std::int64_t end)
{
#pragma omp simd
    for (std::int64_t i = begin; i < end; ++i)
        d[i] *= maskOf(a[i], scale);
}

AESTUDIO_SIMD_CLONES void sumParts(const float *const *parts, int count, std::int64_t partStride, const float *a,
                                   float scale, std::int64_t rows, std::int64_t width, float *out)
{
    for (std::int64_t r = 0; r < rows; ++r) { // a row at a time: each pass over it finds it in L1
        float *o = out + r * width;
        const float *first = parts[0] + r * partStride;
#pragma omp simd
        for (std::int64_t c = 0; c < width; ++c)
            o[c] = first[c];
        for (int k = 1; k < count; ++k) {
            const float *part = parts[k] + r * partStride;
#pragma omp simd
            for (std::int64_t c = 0; c < width; ++c)
                o[c] += part[c];
        }
        if (a) {
            const float *ar = a + r * width;
#pragma omp simd
            for (std::int64_t c = 0; c < width; ++c)
                o[c] *= maskOf(ar[c], scale);
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
    // The coefficients as locals: read through `c` inside the loop, they were loaded, broadcast and (1 - b) worked
    // out again for every 16 parameters, as the stores to p, m and v might have changed them.
    const float b1 = c.b1, b2 = c.b2, oneMinusB1 = 1.0f - c.b1, oneMinusB2 = 1.0f - c.b2, wd = c.wd,
                stepSize = c.stepSize, invSqrtBc2 = c.invSqrtBc2, eps = c.eps;
#pragma omp simd
    for (std::int64_t i = begin; i < end; ++i) {
        const float g = grad[i] + wd * p[i];
        const float mi = b1 * m[i] + oneMinusB1 * g;
        const float vi = b2 * v[i] + oneMinusB2 * g * g;
        m[i] = mi;
        v[i] = vi;
        p[i] -= stepSize * mi / (std::sqrt(vi) * invSqrtBc2 + eps);
    }
}

#if defined(__x86_64__)
// One 8x8 tile in registers: eight row loads, three rounds of shuffles, eight row stores.
__attribute__((target("avx"))) static void transpose8x8(const float *src, std::int64_t lds, float *dst,
                                                        std::int64_t ldd)
{
    const __m256 r0 = _mm256_loadu_ps(src), r1 = _mm256_loadu_ps(src + lds), r2 = _mm256_loadu_ps(src + 2 * lds),
                 r3 = _mm256_loadu_ps(src + 3 * lds), r4 = _mm256_loadu_ps(src + 4 * lds),
                 r5 = _mm256_loadu_ps(src + 5 * lds), r6 = _mm256_loadu_ps(src + 6 * lds),
                 r7 = _mm256_loadu_ps(src + 7 * lds);
    const __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1), t2 = _mm256_unpacklo_ps(r2, r3),
                 t3 = _mm256_unpackhi_ps(r2, r3), t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5),
                 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
    const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE),
                 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE),
                 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE),
                 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    _mm256_storeu_ps(dst, _mm256_permute2f128_ps(u0, u4, 0x20));
    _mm256_storeu_ps(dst + ldd, _mm256_permute2f128_ps(u1, u5, 0x20));
    _mm256_storeu_ps(dst + 2 * ldd, _mm256_permute2f128_ps(u2, u6, 0x20));
    _mm256_storeu_ps(dst + 3 * ldd, _mm256_permute2f128_ps(u3, u7, 0x20));
    _mm256_storeu_ps(dst + 4 * ldd, _mm256_permute2f128_ps(u0, u4, 0x31));
    _mm256_storeu_ps(dst + 5 * ldd, _mm256_permute2f128_ps(u1, u5, 0x31));
    _mm256_storeu_ps(dst + 6 * ldd, _mm256_permute2f128_ps(u2, u6, 0x31));
    _mm256_storeu_ps(dst + 7 * ldd, _mm256_permute2f128_ps(u3, u7, 0x31));
}
#endif

void transpose(const float *src, std::int64_t lds, std::int64_t rows, std::int64_t cols, float *dst, std::int64_t ldd)
{
    std::int64_t r0 = 0;
#if defined(__x86_64__)
    static const bool avx = __builtin_cpu_supports("avx");
    if (avx) {
        const std::int64_t rows8 = rows / 8 * 8, cols8 = cols / 8 * 8;
        for (std::int64_t r = 0; r < rows8; r += 8)
            for (std::int64_t c = 0; c < cols8; c += 8)
                transpose8x8(src + r * lds + c, lds, dst + c * ldd + r, ldd);
        for (std::int64_t r = 0; r < rows8; ++r) // the columns right of the tiles
            for (std::int64_t c = cols8; c < cols; ++c)
                dst[c * ldd + r] = src[r * lds + c];
        r0 = rows8;
    }
#endif
    for (std::int64_t r = r0; r < rows; ++r) // the rows below the tiles (every row without AVX)
        for (std::int64_t c = 0; c < cols; ++c)
            dst[c * ldd + r] = src[r * lds + c];
}

#if defined(__x86_64__)
// Units n < NR from rows w, n ldw apart, for all 16 * MC rows of xT: NR x MC accumulators (at most 24 of the 32
// registers), each step of k one load of xT per 16 rows and one broadcast of w per unit, so w is read straight from
// its rows, once.
template <int MC, int NR>
__attribute__((target("avx512f"))) static inline void unitsTile(const float *xT, const float *w, std::int64_t ldw,
                                                                std::int64_t depth, float *zT, bool accumulate)
{
    constexpr std::int64_t ld = 16 * MC;
    __m512 acc[NR][MC];
#pragma GCC unroll 8
    for (int r = 0; r < NR; ++r)
#pragma GCC unroll 4
        for (int c = 0; c < MC; ++c)
            acc[r][c] = accumulate ? _mm512_loadu_ps(zT + r * ld + 16 * c) : _mm512_setzero_ps();
    for (std::int64_t k = 0; k < depth; ++k) {
        __m512 x[MC];
#pragma GCC unroll 4
        for (int c = 0; c < MC; ++c)
            x[c] = _mm512_loadu_ps(xT + k * ld + 16 * c);
#pragma GCC unroll 8
        for (int r = 0; r < NR; ++r) {
            const __m512 b = _mm512_set1_ps(w[r * ldw + k]);
#pragma GCC unroll 4
            for (int c = 0; c < MC; ++c)
                acc[r][c] = _mm512_fmadd_ps(x[c], b, acc[r][c]);
        }
    }
#pragma GCC unroll 8
    for (int r = 0; r < NR; ++r)
#pragma GCC unroll 4
        for (int c = 0; c < MC; ++c)
            _mm512_storeu_ps(zT + r * ld + 16 * c, acc[r][c]);
}

template <int MC>
__attribute__((target("avx512f"))) static void unitsGemm(const float *xT, const float *w, std::int64_t ldw,
                                                         std::int64_t units, std::int64_t depth, float *zT,
                                                         bool accumulate)
{
    constexpr int NR = MC >= 3 ? 6 : 8; // accumulators NR x MC <= 24
    constexpr std::int64_t ld = 16 * MC;
    // K in blocks of 256 (the sums gathered in zT between blocks): one block of xT stays in L1/L2 across all units,
    // and each output is a sum of block sums, not one chain of up to 784 additions.
    constexpr std::int64_t kDepthBlock = 256;
    for (std::int64_t k0 = 0; k0 < depth; k0 += kDepthBlock) {
        const std::int64_t kd = std::min(kDepthBlock, depth - k0);
        const bool add = accumulate || k0 > 0;
        std::int64_t n = 0;
        for (; n + NR <= units; n += NR)
            unitsTile<MC, NR>(xT + k0 * ld, w + n * ldw + k0, ldw, kd, zT + n * ld, add);
        for (; n < units; ++n)
            unitsTile<MC, 1>(xT + k0 * ld, w + n * ldw + k0, ldw, kd, zT + n * ld, add);
    }
}
#endif

bool forwardUnitsRuns(std::int64_t ldz)
{
#if defined(__x86_64__)
    static const bool avx512 = __builtin_cpu_supports("avx512f");
    return avx512 && (ldz == 16 || ldz == 32 || ldz == 48 || ldz == 64);
#else
    (void)ldz;
    return false;
#endif
}

bool forwardUnits(const float *xT, std::int64_t ldz, const float *w, std::int64_t ldw, std::int64_t units,
                  std::int64_t depth, float *zT, bool accumulate)
{
#if defined(__x86_64__)
    if (!forwardUnitsRuns(ldz))
        return false;
    switch (ldz) {
    case 16:
        unitsGemm<1>(xT, w, ldw, units, depth, zT, accumulate);
        return true;
    case 32:
        unitsGemm<2>(xT, w, ldw, units, depth, zT, accumulate);
        return true;
    case 48:
        unitsGemm<3>(xT, w, ldw, units, depth, zT, accumulate);
        return true;
    case 64:
        unitsGemm<4>(xT, w, ldw, units, depth, zT, accumulate);
        return true;
    default:
        return false;
    }
#else
    (void)xT, (void)ldz, (void)w, (void)ldw, (void)units, (void)depth, (void)zT, (void)accumulate;
    return false;
#endif
}

} // namespace aestudio::kernels
