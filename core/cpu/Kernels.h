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

// Rows [rowBegin, rowEnd) and columns [colBegin, colEnd) of a row-major [rows, cols] batch. z += bias;
// mask = relu'(z) * dropout keep / keep probability; a = z * mask. Element i of the whole batch takes 16 bits of the
// hash of i / 4, so masks are the same for any thread split.
void biasReluDropoutRows(float *z, float *a, float *mask, const float *bias, std::int64_t cols, std::int64_t rowBegin,
                         std::int64_t rowEnd, std::int64_t colBegin, std::int64_t colEnd, const DropoutParams &p);
// dst row i = src row rows[i] * scale, for i < count: a training batch gathered from uint8 images.
void gatherScaledRows(const std::uint8_t *src, const std::int64_t *rows, std::int64_t count, std::int64_t cols,
                      float scale, float *dst);
// z = max(z + bias, 0): a hidden layer in eval mode (no dropout).
void biasReluRows(float *z, const float *bias, std::int64_t cols, std::int64_t rowBegin, std::int64_t rowEnd);
// z += bias, over rows [rowBegin, rowEnd) and columns [colBegin, colEnd).
void biasRows(float *z, const float *bias, std::int64_t cols, std::int64_t rowBegin, std::int64_t rowEnd,
              std::int64_t colBegin, std::int64_t colEnd);
// Output layer and loss together, over rows [rowBegin, rowEnd) and columns [colBegin, colEnd): y = sigmoid(z + bias);
// writes dL/dz = 2 (y - t) / N * y (1 - y) and returns the sum of (y - t)^2 there.
double sigmoidMseRows(const float *z, const float *bias, const float *target, float *y, float *dz, std::int64_t cols,
                      std::int64_t rowBegin, std::int64_t rowEnd, std::int64_t colBegin, std::int64_t colEnd,
                      float twoOverN);
// Output layer in eval mode: rowSquaredError[r - rowBegin] = sum over c of (sigmoid(z + bias) - target)^2, with
// the same sigmoid as sigmoidMseRows.
void sigmoidSquaredErrorRows(const float *z, const float *bias, const float *target, std::int64_t cols,
                             std::int64_t rowBegin, std::int64_t rowEnd, double *rowSquaredError);
// d[i] *= mask[i] for i in [begin, end).
void multiplyInPlace(float *d, const float *mask, std::int64_t begin, std::int64_t end);
// out = (parts[0] + parts[1] + ... + parts[count - 1]) * mask (no mask when null), summed in that order, over all
// `rows` rows and columns [colBegin, colEnd) of row-major [rows, cols] buffers.
void sumParts(const float *const *parts, int count, const float *mask, std::int64_t cols, std::int64_t rows,
              std::int64_t colBegin, std::int64_t colEnd, float *out);
// out[c] = sum over rows r < rows of m[r * ld + c], for c < cols.
void columnSums(const float *m, std::int64_t ld, float *out, std::int64_t rows, std::int64_t cols);

struct AdamCoefficients {
    float b1, b2, eps, wd, stepSize, invSqrtBc2;
};
// One Adam(W=L2) step over [begin, end) of flat parameter, gradient and moment buffers; torch::optim::Adam's maths.
void adamRange(float *p, const float *grad, float *m, float *v, std::int64_t begin, std::int64_t end,
               const AdamCoefficients &c);

} // namespace aestudio::kernels
