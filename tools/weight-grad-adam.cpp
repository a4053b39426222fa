// An experiment of session 7 (docs/performance.md, "Performance II, session 7"), kept to be rerun, not used by
// the step: the weight-gradient GEMM of a dense layer with Adam's update in its epilogue. Each register tile of
// G = dz^T a (6 units x 64 inputs) is summed over the whole batch and applied to its parameters at once, so G never
// goes to memory (24 instead of 32 bytes a parameter) and the tile's Adam loads could overlap the next tile's FMAs.
// It times the units phase of the CPU step on a 5-layer model (784-512-256-128-64-15 and back), two ways: oneDNN's
// GEMM into the gradient followed by kernels::adamRange (what the step does), and this kernel; each thread takes its
// share of every layer's units, as in the step, and a 64 MB sweep before every timed step evicts the optimizer
// state as the step's other GEMMs do. It also checks that both give the same parameters after one step.
// Needs AVX-512F and libdnnl-dev. From the repository root:
//   g++ -O2 -fopenmp -fno-math-errno -fno-trapping-math -Icore/cpu tools/weight-grad-adam.cpp core/cpu/Kernels.cpp
//       -ldnnl -o /tmp/weight-grad-adam   (one line), then /tmp/weight-grad-adam 64 and /tmp/weight-grad-adam 256
#include "Kernels.h"

#include <dnnl.h>
#include <immintrin.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

using namespace aestudio::kernels;

namespace {

#define AESTUDIO_AVX512 __attribute__((target("avx512f")))

constexpr int kRows = 6;       // units per register tile
constexpr int kVectors = 4;    // 16-float vectors per register tile: 64 inputs; 6 x 4 accumulators of 32 registers
constexpr int kBlockTiles = 4; // tiles of inputs packed at a time: 256 inputs

struct AdamVectors {
    __m512 b1, oneMinusB1, b2, oneMinusB2, eps, wd, stepSize, invSqrtBc2;
};

using TileFn = void (*)(const float *, std::int64_t, const float *, std::int64_t, __mmask16, float *, float *, float *,
                        std::int64_t, const AdamVectors &);

// One tile: R units (packed dz rows of `batch` floats each, at pk) by NV vectors of inputs starting at a; the last
// vector masked by `last`. p, m, v point at the tile's first element; rows are `in` apart.
// adamRange's update of one vector: gradient gr, parameter pv, moments mv and vv in; new parameter and moments out.
AESTUDIO_AVX512 inline void adam(const AdamVectors &c, __m512 gr, __m512 pv, __m512 mv, __m512 vv, __m512 &pn,
                                 __m512 &mi, __m512 &vi)
{
    const __m512 g = _mm512_fmadd_ps(c.wd, pv, gr);
    mi = _mm512_fmadd_ps(c.b1, mv, _mm512_mul_ps(c.oneMinusB1, g));
    vi = _mm512_fmadd_ps(c.b2, vv, _mm512_mul_ps(c.oneMinusB2, _mm512_mul_ps(g, g)));
    const __m512 denom = _mm512_fmadd_ps(_mm512_sqrt_ps(vi), c.invSqrtBc2, c.eps);
    pn = _mm512_sub_ps(pv, _mm512_div_ps(_mm512_mul_ps(c.stepSize, mi), denom));
}

template <int R, int NV>
AESTUDIO_AVX512 void tile(const float *pk, std::int64_t batch, const float *a, std::int64_t lda, __mmask16 last,
                          float *p, float *m, float *v, std::int64_t in, const AdamVectors &c)
{
    // The next tile's parameters and moments (the same units, the next inputs) are fetched while this one multiplies.
    const std::int64_t next = 16 * kVectors;
    __m512 acc[R][NV];
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
        for (int k = 0; k < NV; ++k)
            acc[r][k] = _mm512_setzero_ps();
    for (std::int64_t b = 0; b < batch; ++b) {
        if (b < kRows * NV) {
            const std::int64_t at = next + (b / NV) * in + 16 * (b % NV);
            _mm_prefetch(reinterpret_cast<const char *>(p + at), _MM_HINT_T0);
            _mm_prefetch(reinterpret_cast<const char *>(m + at), _MM_HINT_T0);
            _mm_prefetch(reinterpret_cast<const char *>(v + at), _MM_HINT_T0);
        }
        const float *row = a + b * lda;
        __m512 x[NV];
#pragma GCC unroll 4
        for (int k = 0; k < NV; ++k)
            x[k] = k + 1 < NV ? _mm512_loadu_ps(row + 16 * k) : _mm512_maskz_loadu_ps(last, row + 16 * k);
#pragma GCC unroll 8
        for (int r = 0; r < R; ++r) {
            const __m512 d = _mm512_set1_ps(pk[r * batch + b]);
#pragma GCC unroll 4
            for (int k = 0; k < NV; ++k)
                acc[r][k] = _mm512_fmadd_ps(d, x[k], acc[r][k]);
        }
    }
    // Masked loads and stores are slow on this CPU (AMD Zen): only a partial last vector takes them.
    const bool partial = last != __mmask16(0xFFFF);
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
        for (int k = 0; k < NV; ++k) {
            const std::int64_t at = r * in + 16 * k;
            if (k + 1 == NV && partial) {
                const __m512 pv = _mm512_maskz_loadu_ps(last, p + at), mv = _mm512_maskz_loadu_ps(last, m + at),
                             vv = _mm512_maskz_loadu_ps(last, v + at);
                __m512 pn, mi, vi;
                adam(c, acc[r][k], pv, mv, vv, pn, mi, vi);
                _mm512_mask_storeu_ps(m + at, last, mi);
                _mm512_mask_storeu_ps(v + at, last, vi);
                _mm512_mask_storeu_ps(p + at, last, pn);
            } else {
                __m512 pn, mi, vi;
                adam(c, acc[r][k], _mm512_loadu_ps(p + at), _mm512_loadu_ps(m + at), _mm512_loadu_ps(v + at), pn, mi,
                     vi);
                _mm512_storeu_ps(m + at, mi);
                _mm512_storeu_ps(v + at, vi);
                _mm512_storeu_ps(p + at, pn);
            }
        }
}

template <int R, int NV> constexpr TileFn tileFn()
{
    return &tile<R, NV>;
}

constexpr TileFn kTiles[kRows][kVectors] = {
    {tileFn<1, 1>(), tileFn<1, 2>(), tileFn<1, 3>(), tileFn<1, 4>()},
    {tileFn<2, 1>(), tileFn<2, 2>(), tileFn<2, 3>(), tileFn<2, 4>()},
    {tileFn<3, 1>(), tileFn<3, 2>(), tileFn<3, 3>(), tileFn<3, 4>()},
    {tileFn<4, 1>(), tileFn<4, 2>(), tileFn<4, 3>(), tileFn<4, 4>()},
    {tileFn<5, 1>(), tileFn<5, 2>(), tileFn<5, 3>(), tileFn<5, 4>()},
    {tileFn<6, 1>(), tileFn<6, 2>(), tileFn<6, 3>(), tileFn<6, 4>()},
};

AESTUDIO_AVX512 void weightGradAdam(const float *dz, std::int64_t ldDz, const float *a, std::int64_t in,
                                    std::int64_t batch, std::int64_t unitBegin, std::int64_t unitEnd, float *p,
                                    float *m, float *v, const AdamCoefficients &coefficients, float *pack)
{
    const AdamVectors c{_mm512_set1_ps(coefficients.b1),       _mm512_set1_ps(1.0f - coefficients.b1),
                        _mm512_set1_ps(coefficients.b2),       _mm512_set1_ps(1.0f - coefficients.b2),
                        _mm512_set1_ps(coefficients.eps),      _mm512_set1_ps(coefficients.wd),
                        _mm512_set1_ps(coefficients.stepSize), _mm512_set1_ps(coefficients.invSqrtBc2)};
    const std::int64_t units = unitEnd - unitBegin;
    for (std::int64_t b = 0; b < batch; ++b)
        for (std::int64_t u = 0; u < units; ++u)
            pack[u * batch + b] = dz[b * ldDz + unitBegin + u];
    // The inputs go in blocks of kBlockTiles tiles' columns, each tile's columns packed as its own [batch][64]
    // panel after the packed dz, so a tile reads its panel front to back (from L1 at batch 64); within a block, the
    // units in groups of kRows, each group's rows walked left to right, so parameters and moments stream in order.
    float *panels = pack + units * batch;
    const std::int64_t tileWidth = 16 * kVectors, blockWidth = tileWidth * kBlockTiles;
    for (std::int64_t j0 = 0; j0 < in; j0 += blockWidth) {
        const std::int64_t width = std::min(blockWidth, in - j0);
        const std::int64_t tiles = (width + tileWidth - 1) / tileWidth;
        for (std::int64_t t = 0; t < tiles; ++t) {
            const std::int64_t cols = std::min(tileWidth, width - t * tileWidth);
            float *panel = panels + t * batch * tileWidth;
            for (std::int64_t b = 0; b < batch; ++b) {
                const float *from = a + b * in + j0 + t * tileWidth;
                std::copy(from, from + cols, panel + b * tileWidth);
            }
        }
        for (std::int64_t u = 0; u < units; u += kRows) {
            const int rows = int(std::min<std::int64_t>(kRows, units - u));
            for (std::int64_t t = 0; t < tiles; ++t) {
                const std::int64_t j = j0 + t * tileWidth, left = in - j;
                const int vectors = int(std::min<std::int64_t>(kVectors, (left + 15) / 16));
                const std::int64_t tail = left - 16 * (vectors - 1); // 1..16 inputs in the last vector
                const __mmask16 last = __mmask16(tail >= 16 ? 0xFFFF : (1u << tail) - 1);
                const std::int64_t first = (unitBegin + u) * in + j;
                kTiles[rows - 1][vectors - 1](pack + u * batch, batch, panels + t * batch * tileWidth, tileWidth, last,
                                              p + first, m + first, v + first, in, c);
            }
        }
    }
}

} // namespace

int main(int argc, char **argv)
{
    const std::int64_t batch = argc > 1 ? std::atoll(argv[1]) : 64;
    const std::vector<std::int64_t> widths{784, 512, 256, 128, 64, 15, 64, 128, 256, 512, 784};
    struct L {
        std::int64_t in, out, offset;
        std::vector<float> a, dz;
    };
    std::vector<L> layers;
    std::int64_t total = 0;
    std::mt19937 rng(1);
    std::normal_distribution<float> normal(0.0f, 0.01f);
    for (std::size_t i = 0; i + 1 < widths.size(); ++i) {
        L l{widths[i], widths[i + 1], total, {}, {}};
        l.a.resize(std::size_t(batch * l.in));
        l.dz.resize(std::size_t(batch * l.out));
        for (float &x : l.a)
            x = std::max(0.0f, normal(rng) * 100);
        for (float &x : l.dz)
            x = normal(rng);
        total += l.in * l.out;
        layers.push_back(std::move(l));
    }
    std::vector<float> p(total), g(total), m(total), v(total);
    for (float &x : p)
        x = normal(rng);
    for (float &x : v)
        x = 1e-6f;
    const std::vector<float> p0 = p, m0 = m, v0 = v;
    const AdamCoefficients c{0.9f, 0.999f, 1e-8f, 1e-5f, 1e-3f, 1.0f};
    std::vector<std::vector<float>> packs(2, std::vector<float>(std::size_t((512 + 256) * batch)));

    const auto step = [&](bool fused) {
#pragma omp parallel num_threads(2)
        {
            const int t = omp_get_thread_num(), nt = omp_get_num_threads();
            for (std::size_t li = layers.size(); li-- > 0;) {
                const L &l = layers[li];
                const std::int64_t u0 = l.out * t / nt, u1 = l.out * (t + 1) / nt;
                if (fused) {
                    weightGradAdam(l.dz.data(), l.out, l.a.data(), l.in, batch, u0, u1, p.data() + l.offset,
                                   m.data() + l.offset, v.data() + l.offset, c, packs[std::size_t(t)].data());
                } else {
                    dnnl_sgemm('T', 'N', u1 - u0, l.in, batch, 1.0f, l.dz.data() + u0, l.out, l.a.data(), l.in, 0.0f,
                               g.data() + l.offset + u0 * l.in, l.in);
                    adamRange(p.data(), g.data(), m.data(), v.data(), l.offset + u0 * l.in, l.offset + u1 * l.in, c);
                }
            }
        }
    };
    if (!__builtin_cpu_supports("avx512f")) {
        std::printf("no AVX-512 here\n");
        return 1;
    }
    step(false);
    const std::vector<float> pRef = p;
    p = p0, m = m0, v = v0;
    step(true);
    double worst = 0;
    for (std::size_t i = 0; i < p.size(); ++i)
        worst = std::max(worst, double(std::fabs(p[i] - pRef[i])));
    std::printf("batch %lld, %lld weights: largest parameter difference after one step %.3g\n", (long long)batch,
                (long long)total, worst);
    std::vector<char> evict(std::size_t(64) << 20, 1);
    double seconds[2] = {0, 0};
    const int blocks = 10, steps = 100;
    for (int blk = 0; blk < blocks; ++blk)
        for (const bool fused : {false, true}) {
            for (int s = 0; s < steps; ++s) {
                // Between units phases the step's other GEMMs run; here a 64 MB sweep evicts the optimizer state.
                for (std::size_t j = 0; j < evict.size(); j += 64)
                    evict[j]++;
                const auto t0 = std::chrono::steady_clock::now();
                step(fused);
                seconds[fused] += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            }
        }
    const double flops = 2.0 * double(total) * double(batch);
    for (const bool fused : {false, true})
        std::printf("%-28s %.3f ms a step (GEMM %.0f GFLOP/s with the update)\n",
                    fused ? "weightGradAdam:" : "oneDNN GEMM + adamRange:", seconds[fused] / (blocks * steps) * 1e3,
                    flops * blocks * steps / seconds[fused] / 1e9);
    return 0;
}
