// Why the units layout keeps each thread's units as a block of its own (docs/performance.md, session 8): two
// threads run the step's own kernels::biasReluDropoutRows on their halves of a [64, 256] layer output, stored as
// the two column halves of one row-major matrix (optionally with a gap after each half), or as two separate
// row-major blocks one after the other. From the repository root:
//   g++ -O2 -fopenmp -fno-math-errno -fno-trapping-math -Icore/cpu tools/column-slices.cpp core/cpu/Kernels.cpp \
//       -o /tmp/column-slices && /tmp/column-slices
#include "Kernels.h"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>

using namespace aestudio::kernels;

int main()
{
    const long rows = 64, cols = 256, half = cols / 2;
    const DropoutParams p{12345, 52429, 1.25f, true};
    // gap < 0: blocked ([thread][rows][half]); else interleaved rows of `cols + 2 gap` floats, each half followed by
    // `gap` unused floats.
    for (const long gap : {0L, 16L, 64L, 256L, -1L}) {
        const long stride = gap < 0 ? half : cols + 2 * gap, total = rows * (gap < 0 ? cols : stride);
        const auto buffer = [&] {
            auto *b = static_cast<float *>(std::aligned_alloc(64, std::size_t(total) * 4));
            std::fill(b, b + total, 0.5f);
            return b;
        };
        float *z = buffer(), *a = buffer(), *bias = buffer();
        double seconds[2] = {0, 0};
        const int calls = 20000;
#pragma omp parallel num_threads(2)
        {
            const int t = omp_get_thread_num();
            const long offset = gap < 0 ? t * rows * half : t * (half + gap);
            for (int i = 0; i < calls; ++i) {
                const auto t0 = std::chrono::steady_clock::now();
                // The kernel's own width is the row stride; half a row of each is this thread's.
                for (long r = 0; r < rows; ++r)
                    biasReluDropoutRows(z + offset + r * stride, stride, a + offset + r * stride, stride, bias, half, 0,
                                        1, cols, t * half + r * cols, p);
                seconds[t] += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
#pragma omp barrier
            }
        }
        char label[64];
        if (gap < 0)
            std::snprintf(label, sizeof label, "blocks, one per thread");
        else
            std::snprintf(label, sizeof label, "interleaved halves, gap %ld", gap);
        std::printf("%-30s thread 0 %.2f us, thread 1 %.2f us a call\n", label, seconds[0] / calls * 1e6,
                    seconds[1] / calls * 1e6);
        std::free(z), std::free(a), std::free(bias);
    }
    return 0;
}
