#include "Sgemm.h"

#include <torch/torch.h>

#include <string>

#if AESTUDIO_HAVE_DNNL
#include <dnnl.h>
#endif

namespace aestudio::gemm {

void sgemm(Op opA, Op opB, std::int64_t m, std::int64_t n, std::int64_t k, float alpha, const float *a,
           std::int64_t lda, const float *b, std::int64_t ldb, float beta, float *c, std::int64_t ldc)
{
    const bool ta = opA == Op::Transpose, tb = opB == Op::Transpose;
#if AESTUDIO_HAVE_DNNL
    const dnnl_status_t status
        = dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    TORCH_CHECK(status == dnnl_success, "oneDNN sgemm failed with status ", int(status));
#else
    // Strided views over the caller's memory, then one BLAS call through libtorch.
    const auto view = [](const float *p, std::int64_t rows, std::int64_t cols, std::int64_t ld, bool transposed) {
        const torch::Tensor t = torch::from_blob(
            const_cast<float *>(p), {transposed ? cols : rows, transposed ? rows : cols}, {ld, 1}, torch::kFloat32);
        return transposed ? t.t() : t;
    };
    torch::NoGradGuard noGrad;
    const torch::Tensor A = view(a, m, k, lda, ta), B = view(b, k, n, ldb, tb);
    torch::Tensor C = torch::from_blob(c, {m, n}, {ldc, 1}, torch::kFloat32);
    if (beta == 0.0f) {
        at::mm_out(C, A, B);
        if (alpha != 1.0f)
            C.mul_(alpha);
    } else
        C.addmm_(A, B, beta, alpha);
#endif
}

const char *backendName()
{
#if AESTUDIO_HAVE_DNNL
    static const std::string name = [] {
        const dnnl_version_t *v = dnnl_version();
        return "oneDNN " + std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch);
    }();
    return name.c_str();
#else
    return "libtorch (BLAS)";
#endif
}

} // namespace aestudio::gemm
