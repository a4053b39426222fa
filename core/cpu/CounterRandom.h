// Counter-based random numbers: value i of a stream is a pure function of (key, i), so any number of threads can
// fill any slice of it and get the same numbers. Used for dropout masks and Gaussian input noise in training.
#pragma once

#include <cstdint>

namespace aestudio::counterrandom {

// splitmix64's finaliser: a strong 64-bit mixer; mix(key + i) is the stream's i-th 64-bit draw.
inline std::uint64_t mix(std::uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

// Standard normal values, Box-Muller on two 24-bit uniforms per 64-bit draw, in blocks of kGaussianBlock values:
// in block b, value k < 256 is the cosine and value 256 + k the sine of draw key + 256 b + k. So value i of
// stream `key` depends only on (key, i), and each half-block is stored with contiguous (vector) writes.
constexpr std::int64_t kGaussianBlock = 512;
// Number of 64-bit draws that `count` Gaussian values use (round up to whole blocks): advance a stream by this.
constexpr std::uint64_t gaussianDrawsFor(std::int64_t count)
{
    return std::uint64_t((count + kGaussianBlock - 1) / kGaussianBlock) * (kGaussianBlock / 2);
}

// out[i] = clamp(clean[i] + sigma * N_i, 0, 1) for i < n, with N_i value i of stream `key`. Parallel (OpenMP
// threads of the calling thread), vectorised; the result does not depend on the thread count.
void addGaussianClamped(const float *clean, float *out, std::int64_t n, float sigma, std::uint64_t key);
// out[i] = sigma * N_i.
void fillGaussian(float *out, std::int64_t n, float sigma, std::uint64_t key);
// out[i] = clamp(clean[i] + sigma * N_i, 0, 1) for i in [begin, end) only, on the calling thread: the same values as
// addGaussianClamped over the whole stream, so threads can each fill their own part of one batch.
void addGaussianClampedRange(const float *clean, float *out, float sigma, std::uint64_t key, std::int64_t begin,
                             std::int64_t end);

} // namespace aestudio::counterrandom
