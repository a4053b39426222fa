#include "CounterRandom.h"

#include "FastMath.h"

#include <ATen/Parallel.h>

#include <algorithm>

namespace aestudio::counterrandom {
namespace {

constexpr std::int64_t kHalf = kGaussianBlock / 2;

// One block of up to kGaussianBlock values: pair k gives value k (cosine) and value kHalf + k (sine).
// `clean` null: out = sigma * N; else out = clamp(clean + sigma * N, 0, 1).
__attribute__((target_clones("arch=x86-64-v4", "avx2", "default"))) void
gaussianBlock(const float *clean, float *out, std::int64_t count, float sigma, std::uint64_t firstDraw)
{
    // Two passes, so the float maths vectorises on 32-bit lanes apart from the 64-bit hashing.
    std::int32_t bits1[kHalf], bits2[kHalf];
    for (std::int64_t k = 0; k < kHalf; ++k) {
        const std::uint64_t h = mix(firstDraw + std::uint64_t(k));
        bits1[k] = std::int32_t(h >> 40); // 24 bits each
        bits2[k] = std::int32_t((h >> 8) & 0xffffffu);
    }
    float cosPart[kHalf], sinPart[kHalf];
#pragma omp simd
    for (std::int64_t k = 0; k < kHalf; ++k) {
        const float u1 = float(bits1[k] + 1) * (1.0f / 16777216.0f); // (0, 1]
        const float u2 = float(bits2[k]) * (1.0f / 16777216.0f);     // [0, 1)
        const float radius = sigma * std::sqrt(-2.0f * fastmath::log(u1));
        const fastmath::SinCos sc = fastmath::sinCos2Pi(u2);
        cosPart[k] = radius * sc.cos;
        sinPart[k] = radius * sc.sin;
    }
    const std::int64_t first = std::min(count, kHalf), second = std::max<std::int64_t>(0, count - kHalf);
    if (clean) {
#pragma omp simd
        for (std::int64_t k = 0; k < first; ++k)
            out[k] = fastmath::clamp(clean[k] + cosPart[k], 0.0f, 1.0f);
#pragma omp simd
        for (std::int64_t k = 0; k < second; ++k)
            out[kHalf + k] = fastmath::clamp(clean[kHalf + k] + sinPart[k], 0.0f, 1.0f);
    } else {
        std::copy(cosPart, cosPart + first, out);
        std::copy(sinPart, sinPart + second, out + kHalf);
    }
}

void run(const float *clean, float *out, std::int64_t n, float sigma, std::uint64_t key)
{
    const std::int64_t blocks = (n + kGaussianBlock - 1) / kGaussianBlock;
    at::parallel_for(0, blocks, 16, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t b = begin; b < end; ++b) {
            const std::int64_t offset = b * kGaussianBlock;
            gaussianBlock(clean ? clean + offset : nullptr, out + offset, std::min(kGaussianBlock, n - offset), sigma,
                          key + std::uint64_t(b) * kHalf);
        }
    });
}

} // namespace

void addGaussianClamped(const float *clean, float *out, std::int64_t n, float sigma, std::uint64_t key)
{
    run(clean, out, n, sigma, key);
}

void fillGaussian(float *out, std::int64_t n, float sigma, std::uint64_t key)
{
    run(nullptr, out, n, sigma, key);
}

void addGaussianClampedRange(const float *clean, float *out, float sigma, std::uint64_t key, std::int64_t begin,
                             std::int64_t end)
{
    for (std::int64_t b = begin / kGaussianBlock; b * kGaussianBlock < end; ++b) {
        const std::int64_t offset = b * kGaussianBlock, from = std::max(begin, offset),
                           to = std::min(end, offset + kGaussianBlock);
        const std::uint64_t firstDraw = key + std::uint64_t(b) * kHalf;
        if (from == offset && to == offset + kGaussianBlock) {
            gaussianBlock(clean + offset, out + offset, kGaussianBlock, sigma, firstDraw);
            continue;
        }
        // A block cut by the range: the whole block's noise, then clean + noise clamped where the range covers it
        // (the same sum and clamp as gaussianBlock's).
        float noise[kGaussianBlock];
        gaussianBlock(nullptr, noise, kGaussianBlock, sigma, firstDraw);
        for (std::int64_t i = from; i < to; ++i)
            out[i] = fastmath::clamp(clean[i] + noise[i - offset], 0.0f, 1.0f);
    }
}

} // namespace aestudio::counterrandom
