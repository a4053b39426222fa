#include "FlatAdam.h"

#include "Kernels.h"

#include <ATen/Parallel.h>

#include <cmath>

namespace aestudio {

FlatAdam::FlatAdam(std::vector<torch::Tensor> params, Options options) : m_params(std::move(params)), m_options(options)
{
    std::int64_t total = 0;
    for (const auto &p : m_params)
        total += p.numel();
    const auto device = m_params.empty() ? torch::Device(torch::kCPU) : m_params.front().device();
    const auto opts = torch::TensorOptions().dtype(torch::kFloat32).device(device);
    m_flat = torch::empty({total}, opts);
    m_grad = torch::zeros({total}, opts);
    m_expAvg = torch::zeros({total}, opts);
    m_expAvgSq = torch::zeros({total}, opts);

    torch::NoGradGuard noGrad;
    std::int64_t offset = 0;
    for (auto &p : m_params) {
        const std::int64_t n = p.numel();
        m_flat.narrow(0, offset, n).copy_(p.reshape({n}));
        // Parameter storage becomes a view of the flat buffer; the module keeps the same Tensor object.
        const std::vector<std::int64_t> sizes = p.sizes().vec();
        const std::vector<std::int64_t> strides = p.contiguous().strides().vec();
        p.set_(m_flat.storage(), offset, sizes, strides);
        // A defined gradient is accumulated in place by autograd, so the views stay the gradients' storage.
        p.mutable_grad() = m_grad.narrow(0, offset, n).view(p.sizes());
        offset += n;
    }
}

void FlatAdam::zeroGrad()
{
    m_grad.zero_();
}

kernels::AdamCoefficients FlatAdam::beginStep()
{
    ++m_step;
    const double bc1 = 1.0 - std::pow(m_options.beta1, double(m_step));
    const double bc2 = 1.0 - std::pow(m_options.beta2, double(m_step));
    return kernels::AdamCoefficients{float(m_options.beta1),    float(m_options.beta2),
                                     float(m_options.eps),      float(m_options.weightDecay),
                                     float(m_options.lr / bc1), float(1.0 / std::sqrt(bc2))};
}

std::int64_t FlatAdam::flatOffset(const torch::Tensor &param) const
{
    const std::int64_t offset = param.data_ptr<float>() - m_flat.data_ptr<float>();
    TORCH_CHECK(offset >= 0 && offset + param.numel() <= m_flat.numel(), "parameter is not in this optimizer");
    return offset;
}

void FlatAdam::step()
{
    const kernels::AdamCoefficients c = beginStep();
    if (!m_flat.is_cpu()) {
        // On CUDA a handful of whole-buffer ops is already one kernel each; same maths as kernels::adamRange.
        torch::NoGradGuard noGrad;
        torch::Tensor g = c.wd != 0.0f ? m_grad.add(m_flat, c.wd) : m_grad;
        m_expAvg.mul_(c.b1).add_(g, 1.0f - c.b1);
        m_expAvgSq.mul_(c.b2).addcmul_(g, g, 1.0f - c.b2);
        m_flat.addcdiv_(m_expAvg, m_expAvgSq.sqrt().mul_(c.invSqrtBc2).add_(c.eps), -c.stepSize);
        return;
    }
    float *p = m_flat.data_ptr<float>();
    const float *grad = m_grad.data_ptr<float>();
    float *m = m_expAvg.data_ptr<float>();
    float *v = m_expAvgSq.data_ptr<float>();
    at::parallel_for(0, m_flat.numel(), 1 << 15,
                     [&](std::int64_t begin, std::int64_t end) { kernels::adamRange(p, grad, m, v, begin, end, c); });
}

FlatAdam::State FlatAdam::state() const
{
    return State{m_expAvg.clone(), m_expAvgSq.clone(), m_step};
}

void FlatAdam::setState(const State &state)
{
    TORCH_CHECK(state.expAvg.numel() == m_expAvg.numel() && state.expAvgSq.numel() == m_expAvgSq.numel(),
                "optimizer state has ", state.expAvg.numel(), " values, the model has ", m_expAvg.numel());
    torch::NoGradGuard noGrad;
    m_expAvg.copy_(state.expAvg.reshape({-1}));
    m_expAvgSq.copy_(state.expAvgSq.reshape({-1}));
    m_step = state.steps;
}

} // namespace aestudio
