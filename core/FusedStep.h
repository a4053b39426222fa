// One CPU training step of the dense autoencoder without autograd: forward, MSE loss and backward written as a few
// GEMMs into preallocated buffers, with bias, ReLU, dropout and the sigmoid/MSE gradient fused into single loops,
// and weight gradients written straight into the optimizer's flat gradient buffer. Same model, same loss, same
// gradients as the autograd path (tested); dropout masks come from a counter-based hash, so they are reproducible
// for any thread count.
#pragma once

#include "AutoEncoder.h"

#include <torch/torch.h>

namespace aestudio {

class FusedStep {
public:
    FusedStep(AutoEncoder &model, double dropout);

    // clean/noisy: [B,784] float on the CPU. Writes d(loss)/d(param) into each parameter's .grad() (overwriting it)
    // and returns the batch's mean squared error. `seed` selects the dropout masks.
    float forwardBackward(const torch::Tensor &noisy, const torch::Tensor &clean, std::uint64_t seed);

private:
    enum class Activation { ReluDropout, Identity, Sigmoid };
    struct Layer {
        torch::Tensor weight, bias, gradWeight, gradBias;
        Activation activation;
        torch::Tensor z, a, mask, dz; // per batch size, reallocated only when the batch size changes
    };
    void ensureBuffers(std::int64_t batch);

    std::vector<Layer> m_layers;
    float m_dropout;
    std::int64_t m_batch = -1;
};

} // namespace aestudio
