// The CPU training step on raw buffers, in one OpenMP parallel region, every GEMM single-threaded inside it (oneDNN
// splitting each small GEMM over two threads scaled by only ~1.4x and cost a fork/join per call). Two layouts:
// - Up to 64 rows, by units: each thread owns a slice of every layer's output units, i.e. rows of W, and keeps the
//   layer's outputs for them as its own block (not columns interleaved with other threads'). Forward: its
//   slice of the layer for the whole batch, then a barrier. Backward: its part of dA = dZ W from its own rows of W,
//   its rows' weight gradient and at once Adam's update of them (no other thread reads those rows), a barrier, then
//   the sum of all parts for its units of the layer below. A barrier per layer, but W, its gradient and moments are
//   only ever touched by their owner thread; what threads exchange is activations and parts of dA, O(threads x batch
//   x width). The small layers in the middle (up to 128 x 128 weights: the latent layer and its neighbours) are
//   computed whole by every thread into its own copy of their outputs, which saves their barriers.
// - Beyond 64 rows, by rows: each thread runs the forward pass and the chain of input gradients for its own rows of
//   the batch with no barrier (all read all of W, which nobody changes yet); after one barrier, each thread's slice
//   of every layer's units: weight gradient, then Adam's update while the slice is in cache.
// On this machine the two cores sit on different chiplets (~220 ns one way): data written on one core and read on
// the other is what the layouts trade, O(parameters) for rows and O(batch x widths) for units.
// No torch here: FusedStep builds the layer table from the model's tensors.
#pragma once

#include "Kernels.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace aestudio::step {

enum class Activation { ReluDropout, Identity, Sigmoid };

struct Layer {
    std::int64_t in = 0, out = 0;
    Activation activation = Activation::Identity;
    float *weight = nullptr, *bias = nullptr;                         // [out, in], [out]
    float *gradWeight = nullptr, *gradBias = nullptr;                 // written, not accumulated
    std::int64_t flatWeight = -1, flatBias = -1;                      // offsets in the optimizer's flat buffers
    // [batch, out] scratch; a == z for Identity, none for Sigmoid (only its loss and dz are needed). ReLU/dropout
    // layers keep no mask: it is nonzero where a > 0.
    float *z = nullptr, *a = nullptr, *dz = nullptr;
};

// Adam fused into the backward pass: the optimizer's flat buffers and this step's coefficients.
struct FusedAdam {
    float *param = nullptr;
    const float *grad = nullptr;
    float *expAvg = nullptr, *expAvgSq = nullptr;
    kernels::AdamCoefficients coefficients{};
};

struct Batch {
    const float *input = nullptr;  // [rows, in of the first layer]
    const float *target = nullptr; // [rows, out of the last layer]
    std::int64_t rows = 0;
    // When set, fills rows [begin, end) of input and target (which may be one buffer). Every thread of the step
    // that has rows calls it for its own before the first layer, so the batch is made in parallel inside the step's
    // own region, not in a serial phase or a parallel region of its own before it.
    std::function<void(std::int64_t begin, std::int64_t end)> prepare;
};

// Forward, MSE loss and (when the loss is finite) backward; with `adam` also the parameter update. Returns the
// mean squared error. On a non-finite loss nothing is written to gradients or parameters. Threads: the calling
// thread's OpenMP count (1 inside another parallel region); the same count and batch size give bit-identical
// results.
float run(std::vector<Layer> &layers, const Batch &batch, const kernels::DropoutParams &dropout, std::uint64_t seed,
          const FusedAdam *adam);

// The model in eval mode (no dropout), forward only, for validation and evaluation: rowSquaredError[r] = the sum
// over outputs of (reconstruction - target)^2 for each of `rows` rows of `input`. Rows are split over the calling
// thread's OpenMP threads in blocks of 64 (no barrier: rows are independent) with single-threaded GEMMs, as in
// run(). Only the layers' weights, biases and activations are read; their scratch buffers are not touched.
void evaluate(const std::vector<Layer> &layers, const float *input, const float *target, std::int64_t rows,
              double *rowSquaredError);

// Where the step's thread time goes, for `bench --profile`: off by default (then it costs one branch per GEMM and
// barrier). Seconds are summed over threads: `threadSeconds` is every thread's time inside the step.
struct Profile {
    double threadSeconds = 0, gemmSeconds = 0, barrierSeconds = 0, adamSeconds = 0, prepareSeconds = 0;
};
void setProfiling(bool on);
Profile profile(); // since the last reset
void resetProfile();

} // namespace aestudio::step
