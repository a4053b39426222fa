// One CPU training step of the dense autoencoder without autograd: forward, MSE loss and backward written as
// GEMMs into preallocated buffers, with bias, ReLU, dropout and the sigmoid/MSE gradient fused into single loops,
// weight gradients written straight into the optimizer's flat gradient buffer, and (in train()) Adam's update of
// each slice of weights as soon as its gradient is complete. Same model, same loss, same gradients and the same
// update as autograd + FlatAdam::step() (tested); dropout masks come from a counter-based hash, reproducible for
// any thread count. The parallel schedule is in StepEngine.
#pragma once

#include "AutoEncoder.h"
#include "StepEngine.h"

#include <torch/torch.h>

namespace aestudio {

class FlatAdam;

// The model's linear layers as the CPU engine (StepEngine) reads them: weights, biases and activations, without
// gradients or scratch buffers. Empty when the engine cannot run the model (not dense float32 on the CPU).
std::vector<step::Layer> engineLayers(AutoEncoder &model);

class FusedStep {
public:
    // `optimizer` must own the model's parameters (it gives them their flat gradient buffers).
    FusedStep(AutoEncoder &model, double dropout, FlatAdam &optimizer);

    // clean/noisy: [B,784] float on the CPU. Writes d(loss)/d(param) into each parameter's .grad() (overwriting it)
    // and returns the batch's mean squared error. `seed` selects the dropout masks.
    float forwardBackward(const torch::Tensor &noisy, const torch::Tensor &clean, std::uint64_t seed);
    // forwardBackward() and then the optimizer's step, fused. On a non-finite loss it returns that loss and changes
    // nothing: no gradients, no parameters, no step count.
    // With `prepare`, noisy and clean are only allocated: the step's threads fill them first, each calling
    // prepare(begin, end) for its own rows (step::Batch::prepare).
    float train(const torch::Tensor &noisy, const torch::Tensor &clean, std::uint64_t seed,
                std::function<void(std::int64_t begin, std::int64_t end)> prepare = {});

private:
    float run(const torch::Tensor &noisy, const torch::Tensor &clean, std::uint64_t seed, bool update,
              std::function<void(std::int64_t, std::int64_t)> prepare = {});
    void ensureBuffers(std::int64_t batch);

    std::vector<step::Layer> m_layers;
    std::vector<torch::Tensor> m_scratch; // owns the layers' z/a/mask/dz buffers
    FlatAdam &m_optimizer;
    float m_dropout;
    std::int64_t m_batch = -1;
};

} // namespace aestudio
