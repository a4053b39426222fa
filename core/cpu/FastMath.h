// Branch-free float exp, log and sin/cos of 2*pi*u that GCC vectorises inside `#pragma omp simd` loops (glibc only
// declares its vector math under -ffast-math). Cephes polynomials; relative error a few ulp on the ranges the
// training step uses, tested against <cmath> in tst_model. No torch, no Qt: usable from any hot loop.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

namespace aestudio::fastmath {

inline float fromBits(std::uint32_t u)
{
    float f;
    std::memcpy(&f, &u, sizeof f);
    return f;
}

inline std::uint32_t toBits(float f)
{
    std::uint32_t u;
    std::memcpy(&u, &f, sizeof u);
    return u;
}

// x rounded to the nearest integer (ties to even) for |x| < 2^22: adding and subtracting 1.5 * 2^23 leaves no
// fraction bits. No selects or calls, so loops using it vectorise (std::floor/nearbyint stop GCC 12 doing so in
// target_clones functions). Correct only without -ffast-math, which this project never uses.
inline float roundSmall(float x)
{
    constexpr float magic = 12582912.0f;
    return (x + magic) - magic;
}

// std::min/max take references, which turn into stack arrays inside `omp simd` loops; these take values.
inline float clamp(float x, float lo, float hi)
{
    x = x < lo ? lo : x;
    return x > hi ? hi : x;
}

// e^x, clamped to the normal float range (x in [-87.3, 88.3]).
inline float exp(float x)
{
    x = clamp(x, -87.3f, 88.3f);
    const float n = roundSmall(x * 1.44269504088896341f);
    const float r = x - n * 0.693359375f + n * 2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    const float y = p * r * r + r + 1.0f;
    return y * fromBits(std::uint32_t(std::int32_t(n) + 127) << 23);
}

// Natural log for finite x > 0.
inline float log(float x)
{
    // x = 2^e * (1 + m) with 1 + m in [sqrt(1/2), sqrt(2)): shift the exponent boundary instead of branching.
    const std::uint32_t bits = toBits(x) + (0x3f800000u - 0x3f3504f3u);
    const float e = float(std::int32_t(bits >> 23) - 0x7f);
    const float m = fromBits((bits & 0x007fffffu) + 0x3f3504f3u) - 1.0f;
    const float z = m * m;
    float y = 7.0376836292e-2f;
    y = y * m - 1.1514610310e-1f;
    y = y * m + 1.1676998740e-1f;
    y = y * m - 1.2420140846e-1f;
    y = y * m + 1.4249322787e-1f;
    y = y * m - 1.6668057665e-1f;
    y = y * m + 2.0000714765e-1f;
    y = y * m - 2.4999993993e-1f;
    y = y * m + 3.3333331174e-1f;
    y = y * m * z;
    y += -2.12194440e-4f * e;
    y += -0.5f * z;
    return m + y + 0.693359375f * e;
}

struct SinCos {
    float sin, cos;
};

// sin and cos of 2*pi*u for u in [0, 1]. Returned by value: out-parameters would stop `omp simd` vectorising.
inline SinCos sinCos2Pi(float u)
{
    const float j = roundSmall(u * 4.0f);                   // nearest quarter turn, 0..4
    const float r = (u - 0.25f * j) * 6.28318530717958648f; // in [-pi/4, pi/4]
    const float r2 = r * r;
    const float sr = r + r * r2 * (-1.6666654611e-1f + r2 * (8.3321608736e-3f + r2 * -1.9515295891e-4f));
    const float cr = 1.0f - 0.5f * r2
        + r2 * r2 * (4.166664568298827e-2f + r2 * (-1.388731625493765e-3f + r2 * 2.443315711809948e-5f));
    // Quarter turns rotate (s, c) -> (c, -s): swap on odd turns, flip signs by bit operations (no selects, which
    // GCC 12 does not if-convert here).
    const std::uint32_t q = std::uint32_t(std::int32_t(j)) & 3u;
    const std::uint32_t swap = 0u - (q & 1u);
    const std::uint32_t srBits = toBits(sr), crBits = toBits(cr);
    const std::uint32_t sinAbs = (crBits & swap) | (srBits & ~swap);
    const std::uint32_t cosAbs = (srBits & swap) | (crBits & ~swap);
    return {fromBits(sinAbs ^ ((q & 2u) << 30)), fromBits(cosAbs ^ (((q + 1u) & 2u) << 30))};
}

} // namespace aestudio::fastmath
