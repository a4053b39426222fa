// The element-wise passes of the CPU training step and the fused Adam update, on raw float arrays. Each is cloned
// for AVX-512, AVX2 and baseline x86-64 and picked once at load time. This file is compiled with the flags that
// let its loops vectorise (see core/CMakeLists.txt) and without torch, so the torch TUs keep their PCH.
#pragma once

#include <cstdint>

namespace aestudio::kernels {

struct DropoutParams {
    std::uint64_t seed;
    std::uint32_t threshold; // keep an element when its 16-bit hash slice is below this
    float scale;             // 1 / keep probability
    bool dropping;
};

// A block of a layer's [rows, layerCols] output holds its columns [firstColumn, firstColumn + width). Over its rows
// [rowBegin, rowEnd), with z and a pointing at row rowBegin (rows zStride and aStride apart):
// a = (z + bias) * mask, mask = relu'(z + bias) * dropout keep / keep probability; z is only read. Element (r, c)
// of the layer's output takes 16 bits of the hash of (r * layerCols + c) / 4, so masks are the same however the
// output is split between threads, by rows or by columns. The mask is not stored: it is keptScale(p) where a > 0,
// else 0 (a kept positive input stays positive when scaled), which is how the backward pass reads it.
void biasReluDropoutRows(const float *z, std::int64_t zStride, float *a, std::int64_t aStride, const float *bias,
                         std::int64_t width, std::int64_t rowBegin, std::int64_t rowEnd, std::int64_t layerCols,
                         std::int64_t firstColumn, const DropoutParams &p);
// The same over all `rows` rows of the block, from its pre-activations stored transposed, zT[c * ldz + r] (as
// forwardUnits leaves them), into the row-major a [rows, width]: each group of 8 rows is transposed into an L1
// scratch buffer first, so no row-major z is written and read back. Gives the same a as biasReluDropoutRows.
void biasReluDropoutTransposed(const float *zT, std::int64_t ldz, float *a, const float *bias, std::int64_t width,
                               std::int64_t rows, std::int64_t layerCols, std::int64_t firstColumn,
                               const DropoutParams &p);
// The nonzero value of the dropout mask: 1 / keep probability while dropping, else 1 (ReLU alone).
inline float keptScale(const DropoutParams &p)
{
    return p.dropping ? p.scale : 1.0f;
}
// dst row i = src row rows[i] * scale, for i < count: a training batch gathered from uint8 images.
void gatherScaledRows(const std::uint8_t *src, const std::int64_t *rows, std::int64_t count, std::int64_t cols,
                      float scale, float *dst);
// Asks for rows rows[i] of src (count rows of cols bytes) to be brought towards the caches, without waiting: the
// rows a later gatherScaledRows will read.
void prefetchRows(const std::uint8_t *src, const std::int64_t *rows, std::int64_t count, std::int64_t cols);
// z = max(z + bias, 0): a hidden layer in eval mode (no dropout).
void biasReluRows(float *z, const float *bias, std::int64_t cols, std::int64_t rowBegin, std::int64_t rowEnd);
// z += bias over rows [rowBegin, rowEnd) of a row-major [rows, width] block.
void biasRows(float *z, const float *bias, std::int64_t width, std::int64_t rowBegin, std::int64_t rowEnd);
// Output layer and loss together, over rows [rowBegin, rowEnd) of a row-major [rows, width] block dz and of z (rows
// zStride apart; z points at row rowBegin, target and dz at row 0; the target's rows are targetStride apart): with
// y = sigmoid(z + bias), writes dL/dz = 2 (y - t) / N * y (1 - y) and returns `total` plus the sum of (y - t)^2
// there, each row's sum added in turn. y itself is not stored: nothing after the loss reads it.
double sigmoidMseRows(const float *z, std::int64_t zStride, const float *bias, const float *target,
                      std::int64_t targetStride, float *dz, std::int64_t width, std::int64_t rowBegin,
                      std::int64_t rowEnd, float twoOverN, double total = 0.0);
// The same over all `rows` rows from z stored transposed (zT[c * ldz + r]), as biasReluDropoutTransposed does.
double sigmoidMseTransposed(const float *zT, std::int64_t ldz, const float *bias, const float *target,
                            std::int64_t targetStride, float *dz, std::int64_t width, std::int64_t rows,
                            float twoOverN);
// Output layer in eval mode: rowSquaredError[r - rowBegin] = sum over c of (sigmoid(z + bias) - target)^2, with
// the same sigmoid as sigmoidMseRows.
void sigmoidSquaredErrorRows(const float *z, const float *bias, const float *target, std::int64_t cols,
                             std::int64_t rowBegin, std::int64_t rowEnd, double *rowSquaredError);
// d[i] *= (a[i] > 0 ? scale : 0) for i in [begin, end): the dropout mask of biasReluDropoutRows, read from its a.
void maskByActivation(float *d, const float *a, float scale, std::int64_t begin, std::int64_t end);
// For row-major [rows, width] blocks out and a and parts whose rows are partStride apart:
// out = (parts[0] + parts[1] + ... + parts[count - 1]) * (a > 0 ? scale : 0) (no mask when a is null), summed in
// that order.
void sumParts(const float *const *parts, int count, std::int64_t partStride, const float *a, float scale,
              std::int64_t rows, std::int64_t width, float *out);
// out[c] = sum over rows r < rows of m[r * ld + c], for c < cols.
void columnSums(const float *m, std::int64_t ld, float *out, std::int64_t rows, std::int64_t cols);

// dst[c * ldd + r] = src[r * lds + c] for r < rows, c < cols: a [rows, cols] matrix (rows lds apart) written
// transposed (rows ldd apart), in 8x8 tiles in AVX registers where the CPU has AVX.
void transpose(const float *src, std::int64_t lds, std::int64_t rows, std::int64_t cols, float *dst, std::int64_t ldd);

// The units layout's forward GEMM, z = x W^T for `units` rows of W over `depth` inputs, on transposed activations:
// zT[n * ldz + m] = (accumulate ? zT[n * ldz + m] : 0) + sum over k < depth of xT[k * ldz + m] * w[n * ldw + k], for
// n < units and m < ldz. ldz is the batch rows rounded up to 16 (16, 32, 48 or 64; xT's rows beyond the batch
// zero). W is read straight from its rows, once; oneDNN's sgemm, given W transposed at 64 rows, first copies it
// into panels on every call (docs/performance.md, session 9). Sums run over k in blocks of 256, each block in
// order. Returns false, computing nothing, without AVX-512 or for another ldz.
bool forwardUnits(const float *xT, std::int64_t ldz, const float *w, std::int64_t ldw, std::int64_t units,
                  std::int64_t depth, float *zT, bool accumulate);
bool forwardUnitsRuns(std::int64_t ldz); // whether forwardUnits computes for this ldz on this CPU

struct AdamCoefficients {
    float b1, b2, eps, wd, stepSize, invSqrtBc2;
};
// One Adam(W=L2) step over [begin, end) of flat parameter, gradient and moment buffers; torch::optim::Adam's maths.
void adamRange(float *p, const float *grad, float *m, float *v, std::int64_t begin, std::int64_t end,
               const AdamCoefficients &c);

} // namespace aestudio::kernels
