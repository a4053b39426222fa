// Adam over one flat parameter buffer. The model's parameters and gradients become views into two contiguous
// tensors, so zeroing the gradients is one memset and a step is one fused, vectorised pass instead of ~10 tensor ops
// per parameter (which dominated training at batch 64). The maths is torch::optim::Adam's, L2 decay included.
#pragma once

#include "Kernels.h"

#include <torch/torch.h>

namespace aestudio {

class FlatAdam {
public:
    struct Options {
        double lr = 1e-3;
        double beta1 = 0.9;
        double beta2 = 0.999;
        double eps = 1e-8;
        double weightDecay = 0.0;
    };

    // Re-points every parameter (and its gradient) of `params` into the flat buffers; values are preserved.
    FlatAdam(std::vector<torch::Tensor> params, Options options);

    void zeroGrad();
    void setLearningRate(double lr) { m_options.lr = lr; }
    void step();
    // For an update fused into a backward pass (StepEngine): advances the step count and returns this step's
    // coefficients; the caller then applies kernels::adamRange to every element exactly once.
    kernels::AdamCoefficients beginStep();
    float *flatParams() { return m_flat.data_ptr<float>(); }
    const float *flatGrads() const { return m_grad.data_ptr<float>(); }
    float *flatExpAvg() { return m_expAvg.data_ptr<float>(); }
    float *flatExpAvgSq() { return m_expAvgSq.data_ptr<float>(); }
    // Where `param` (one of the parameters given at construction) starts in the flat buffers.
    std::int64_t flatOffset(const torch::Tensor &param) const;
    std::int64_t steps() const { return m_step; }
    void setSteps(std::int64_t steps) { m_step = steps; } // undoes beginStep() when a fused step bails out
    const Options &options() const { return m_options; }

    // Adam's moments and step count: copied out for checkpoints, and to return to the end of the last epoch.
    struct State {
        torch::Tensor expAvg, expAvgSq; // flat, one value per parameter
        std::int64_t steps = 0;
    };
    State state() const;
    void setState(const State &state); // throws c10::Error when the sizes do not match

private:
    std::vector<torch::Tensor> m_params;
    torch::Tensor m_flat, m_grad, m_expAvg, m_expAvgSq;
    Options m_options;
    std::int64_t m_step = 0;
};

} // namespace aestudio
