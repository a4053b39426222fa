// What bounds the fused Adam update (docs/performance.md, session 6): the training step's own kernels::adamRange
// over a 5-layer model's 1,153,454 parameters, with the caches flushed before every step (as in training, where the
// GEMMs evict the optimizer state between updates), on 1 and 2 threads. From the repository root:
//   g++ -O2 -fopenmp -fno-math-errno -fno-trapping-math -Icore/cpu tools/adam-bandwidth.cpp core/cpu/Kernels.cpp \
//       -o /tmp/adam-bandwidth && /tmp/adam-bandwidth
#include "Kernels.h"

#include <omp.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <vector>

int main()
{
    const aestudio::kernels::AdamCoefficients c{0.9f, 0.999f, 1e-8f, 0.0f, 1e-3f, 1.0f};
    const std::int64_t n = 1153454;
    std::vector<float> p(n, 0.1f), g(n, 0.01f), m(n, 0.0f), v(n, 0.0f);
    std::vector<char> evict(std::size_t(256) << 20, 1);
    for (const int threads : {1, 2}) {
        double total = 0;
        const int steps = 20;
        for (int s = 0; s < steps; ++s) {
#pragma omp parallel for num_threads(2)
            for (std::int64_t j = 0; j < std::int64_t(evict.size()); j += 64)
                evict[std::size_t(j)]++;
            const auto t0 = std::chrono::steady_clock::now();
#pragma omp parallel num_threads(threads)
            {
                const int t = omp_get_thread_num();
                aestudio::kernels::adamRange(p.data(), g.data(), m.data(), v.data(), n * t / threads,
                                             n * (t + 1) / threads, c);
            }
            total += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        }
        std::printf("%d thread(s), caches flushed: %.3f ms a step, %.1f GB/s at 28 bytes a parameter\n", threads,
                    total / steps * 1e3, 28.0 * double(n) * steps / total / 1e9);
    }
    return 0;
}
