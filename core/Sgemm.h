// Row-major single-precision GEMM for the CPU training step: C = alpha * op(A) * op(B) + beta * C.
// Uses oneDNN's JIT SGEMM when the build found it (it generates kernels for the CPU it runs on, AVX-512 included,
// and is 2x faster than Debian's OpenBLAS 0.3.21 at the step's 64-row shapes on this project's VM); otherwise
// libtorch's own matrix product. Threads: the calling thread's OpenMP count, as every other torch op.
#pragma once

#include <cstdint>

namespace aestudio::gemm {

enum class Op { None, Transpose };

// op(A) is M x K, op(B) is K x N, C is M x N; leading dimensions are row strides in elements.
void sgemm(Op opA, Op opB, std::int64_t m, std::int64_t n, std::int64_t k, float alpha, const float *a,
           std::int64_t lda, const float *b, std::int64_t ldb, float beta, float *c, std::int64_t ldc);

// "oneDNN 2.6.3" or "libtorch (BLAS)": which implementation sgemm() uses.
const char *backendName();

} // namespace aestudio::gemm
