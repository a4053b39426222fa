// What the units layout's block-by-block GEMMs cost against one call over the whole matrix (docs/performance.md,
// session 8): oneDNN's sgemm on one thread, caches hot, in the step's shapes at batch 64. Forward: K in two
// halves (the input's two blocks, the second call adding to the first); dA parts: N in two halves (one block per
// thread). From the repository root:
//   g++ -O2 -fopenmp tools/gemm-calls.cpp -ldnnl -o /tmp/gemm-calls && OMP_NUM_THREADS=1 /tmp/gemm-calls
#include <dnnl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <vector>

double best(std::function<void()> f)
{
    f();
    double b = 1e9;
    for (int r = 0; r < 5; ++r) {
        auto t0 = std::chrono::steady_clock::now();
        for (int i = 0; i < 2000; ++i)
            f();
        b = std::min(b, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / 2000);
    }
    return b * 1e6;
}
int main()
{
    std::vector<float> A(64 * 1024, 0.5f), B(1024 * 1024, 0.25f), C(64 * 1024);
    // forward: C[64,N] = A[64,K] W[N,K]^T  ; whole K vs two halves
    for (auto [N, K] : {std::pair{128, 256}, std::pair{64, 256}, std::pair{392, 256}, std::pair{128, 128}}) {
        double one = best([&] { dnnl_sgemm('N', 'T', 64, N, K, 1, A.data(), K, B.data(), K, 0, C.data(), N); });
        double two = best([&] {
            dnnl_sgemm('N', 'T', 64, N, K / 2, 1, A.data(), K / 2, B.data(), K, 0, C.data(), N);
            dnnl_sgemm('N', 'T', 64, N, K / 2, 1, A.data() + 64 * K / 2, K / 2, B.data() + K / 2, K, 1, C.data(), N);
        });
        double flops = 2.0 * 64 * N * K;
        printf("fwd N=%d K=%d: one call %.2f us (%.0f GF/s), K in two %.2f us (%.0f GF/s)\n", N, K, one,
               flops / one / 1e3, two, flops / two / 1e3);
    }
    // dA part: C[64,N] = dZ[64,K] W[K,N] : whole N vs two halves
    for (auto [N, K] : {std::pair{256, 392}, std::pair{128, 128}, std::pair{256, 64}, std::pair{784, 128}}) {
        double one = best([&] { dnnl_sgemm('N', 'N', 64, N, K, 1, A.data(), K, B.data(), N, 0, C.data(), N); });
        double two = best([&] {
            dnnl_sgemm('N', 'N', 64, N / 2, K, 1, A.data(), K, B.data(), N, 0, C.data(), N / 2);
            dnnl_sgemm('N', 'N', 64, N / 2, K, 1, A.data(), K, B.data() + N / 2, N, 0, C.data() + 64 * N / 2, N / 2);
        });
        double flops = 2.0 * 64 * N * K;
        printf("dA N=%d K=%d: one call %.2f us (%.0f GF/s), N in two %.2f us (%.0f GF/s)\n", N, K, one,
               flops / one / 1e3, two, flops / two / 1e3);
    }
}
