// Why the units layout's forward GEMMs run in kernels::forwardUnits (docs/performance.md, session 9): the step's
// forward shape z[64, N] = x[64, K] W[N, K]^T on one thread, W taken from a pool of 16 copies (about L3, as in the
// step) or one (hot), in GFLOP/s:
// - oneDNN given W transposed ('N','T'), as the step called it before;
// - oneDNN on a stored W^T ('N','N'), what a transposed copy of W kept by Adam would give;
// - oneDNN's dA shape (dZ[64, N] W[N, K], 'N','N'), which reads W as stored;
// - kernels::forwardUnits alone, and with the transposes the step adds (x into xT, zT back into z).
// From the repository root:
//   g++ -O2 -fno-math-errno -fno-trapping-math -fopenmp-simd -Icore/cpu tools/forward-gemm.cpp core/cpu/Kernels.cpp \
//       -ldnnl -o /tmp/forward-gemm && OMP_NUM_THREADS=1 /tmp/forward-gemm
#include "Kernels.h"

#include <dnnl.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <vector>

using namespace aestudio::kernels;

// Microseconds a call, the best of 5 rounds of 400 calls, call i using copy i % copies of W.
double best(const std::function<void(int)> &f, int copies)
{
    f(0);
    double b = 1e9;
    for (int r = 0; r < 5; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        for (int i = 0; i < 400; ++i)
            f(i % copies);
        b = std::min(b, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / 400);
    }
    return b * 1e6;
}

int main()
{
    const long M = 64;
    if (!forwardUnitsRuns(M))
        std::printf("no AVX-512 here: kernels::forwardUnits does not run\n");
    for (const auto &[N, K] : {std::pair{256L, 784L}, std::pair{392L, 256L}, std::pair{128L, 256L}, std::pair{64L, 128L}}) {
        const long size = N * K;
        std::vector<float> w(16 * size), wT(16 * size), x(M * K), z(M * N), xT(K * M), zT(N * M), dz(M * N, 0.1f),
            dA(M * K);
        for (long i = 0; i < long(w.size()); ++i)
            w[i] = std::sin(float(i) * 0.37f) * 0.1f;
        for (long c = 0; c < 16; ++c)
            transpose(w.data() + c * size, K, N, K, wT.data() + c * size, N);
        for (long i = 0; i < M * K; ++i)
            x[i] = std::cos(float(i) * 0.11f);
        const double flops = 2.0 * M * N * K;
        for (const int copies : {1, 16}) {
            const double nt = best(
                [&](int c) {
                    dnnl_sgemm('N', 'T', M, N, K, 1, x.data(), K, w.data() + c * size, K, 0, z.data(), N);
                },
                copies);
            const double nnStored = best(
                [&](int c) {
                    dnnl_sgemm('N', 'N', M, N, K, 1, x.data(), K, wT.data() + c * size, N, 0, z.data(), N);
                },
                copies);
            const double dAShape = best(
                [&](int c) {
                    dnnl_sgemm('N', 'N', M, K, N, 1, dz.data(), N, w.data() + c * size, K, 0, dA.data(), K);
                },
                copies);
            const double kernel = best(
                [&](int c) { forwardUnits(xT.data(), M, w.data() + c * size, K, N, K, zT.data(), false); }, copies);
            const double withTransposes = best(
                [&](int c) {
                    transpose(x.data(), K, M, K, xT.data(), M);
                    forwardUnits(xT.data(), M, w.data() + c * size, K, N, K, zT.data(), false);
                    transpose(zT.data(), M, N, M, z.data(), N);
                },
                copies);
            std::printf("N=%ld K=%ld, %2d cop%s of W: oneDNN NT %.0f | NN on W^T %.0f | dA NN %.0f | forwardUnits %.0f, "
                        "with transposes %.0f GFLOP/s\n",
                        N, K, copies, copies == 1 ? "y" : "ies", flops / nt / 1e3, flops / nnStored / 1e3,
                        flops / dAShape / 1e3, flops / kernel / 1e3, flops / withTransposes / 1e3);
        }
    }
}
