#include "FusedStep.h"

#include <ATen/Parallel.h>

#include <cmath>

namespace aestudio {
namespace {

constexpr std::int64_t kGrain = 1 << 14;

// splitmix64 finaliser: a counter-based generator, so element i's draw does not depend on who computed it.
inline std::uint64_t mix(std::uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

std::vector<torch::nn::Linear> linearsOf(AutoEncoder &model)
{
    std::vector<torch::nn::Linear> out;
    for (const auto &seq : {model->encoder, model->decoder})
        for (const auto &child : seq->children())
            if (auto linear = std::dynamic_pointer_cast<torch::nn::LinearImpl>(child))
                out.emplace_back(linear);
    return out;
}

} // namespace

FusedStep::FusedStep(AutoEncoder &model, double dropout) : m_dropout(float(dropout))
{
    const auto linears = linearsOf(model);
    const std::size_t hidden = model->spec.hidden.size();
    for (std::size_t i = 0; i < linears.size(); ++i) {
        Layer l;
        l.weight = linears[i]->weight;
        l.bias = linears[i]->bias;
        // The optimizer gave every parameter a defined gradient view into its flat buffer; write into those.
        TORCH_CHECK(l.weight.grad().defined() && l.bias.grad().defined(), "FusedStep needs gradients allocated");
        l.gradWeight = l.weight.mutable_grad();
        l.gradBias = l.bias.mutable_grad();
        if (i == linears.size() - 1)
            l.activation = Activation::Sigmoid;
        else if (i == hidden) // the latent layer
            l.activation = Activation::Identity;
        else
            l.activation = Activation::ReluDropout;
        m_layers.push_back(l);
    }
}

void FusedStep::ensureBuffers(std::int64_t batch)
{
    if (batch == m_batch)
        return;
    m_batch = batch;
    for (Layer &l : m_layers) {
        const std::int64_t out = l.weight.size(0);
        l.z = torch::empty({batch, out});
        l.a = l.activation == Activation::Identity ? l.z : torch::empty({batch, out});
        l.mask = l.activation == Activation::ReluDropout ? torch::empty({batch, out}) : torch::Tensor();
        l.dz = torch::empty({batch, out});
    }
}

float FusedStep::forwardBackward(const torch::Tensor &noisy, const torch::Tensor &clean, std::uint64_t seed)
{
    torch::NoGradGuard noGrad;
    const std::int64_t batch = noisy.size(0);
    ensureBuffers(batch);
    const float keep = 1.0f - m_dropout;
    const float scale = keep > 0.0f ? 1.0f / keep : 0.0f;
    // Keep an element when its 16-bit hash slice is below keep * 65536.
    const std::uint32_t threshold = std::uint32_t(std::lround(double(keep) * 65536.0));

    // Forward.
    torch::Tensor input = noisy;
    for (std::size_t li = 0; li < m_layers.size(); ++li) {
        Layer &l = m_layers[li];
        at::addmm_out(l.z, l.bias, input, l.weight.t());
        const std::int64_t n = l.z.numel();
        float *z = l.z.data_ptr<float>();
        if (l.activation == Activation::ReluDropout) {
            float *a = l.a.data_ptr<float>();
            float *mask = l.mask.data_ptr<float>();
            const std::uint64_t layerSeed = mix(seed ^ (std::uint64_t(li + 1) << 56));
            const bool dropping = m_dropout > 0.0f;
            at::parallel_for(0, n, kGrain, [&](std::int64_t begin, std::int64_t end) {
                for (std::int64_t i = begin; i < end; ++i) {
                    float m = z[i] > 0.0f ? 1.0f : 0.0f;
                    if (dropping) {
                        const std::uint64_t h = mix(layerSeed + std::uint64_t(i >> 2));
                        const std::uint32_t u = std::uint32_t(h >> (16 * (i & 3))) & 0xffffu;
                        m = u < threshold ? m * scale : 0.0f;
                    }
                    mask[i] = m;
                    a[i] = z[i] * m;
                }
            });
        } else if (l.activation == Activation::Sigmoid) {
            float *a = l.a.data_ptr<float>();
            at::parallel_for(0, n, kGrain, [&](std::int64_t begin, std::int64_t end) {
#pragma omp simd
                for (std::int64_t i = begin; i < end; ++i)
                    a[i] = 1.0f / (1.0f + std::exp(-z[i]));
            });
        }
        input = l.a;
    }

    // Loss and the gradient at the output pre-activation: dL/dz = 2 (y - t) / N * y (1 - y).
    Layer &out = m_layers.back();
    const std::int64_t n = out.a.numel();
    const float *y = out.a.data_ptr<float>();
    const float *t = clean.data_ptr<float>();
    float *dz = out.dz.data_ptr<float>();
    const float twoOverN = 2.0f / float(n);
    const double lossSum = at::parallel_reduce(
        0, n, kGrain, 0.0,
        [&](std::int64_t begin, std::int64_t end, double acc) {
            for (std::int64_t i = begin; i < end; ++i) {
                const float diff = y[i] - t[i];
                acc += double(diff) * diff;
                dz[i] = twoOverN * diff * y[i] * (1.0f - y[i]);
            }
            return acc;
        },
        std::plus<double>());

    // Backward.
    for (std::size_t li = m_layers.size(); li-- > 0;) {
        Layer &l = m_layers[li];
        const torch::Tensor &prevA = li == 0 ? noisy : m_layers[li - 1].a;
        at::mm_out(l.gradWeight, l.dz.t(), prevA);
        at::sum_out(l.gradBias, l.dz, 0);
        if (li == 0)
            break;
        Layer &prev = m_layers[li - 1];
        at::mm_out(prev.dz, l.dz, l.weight);
        if (prev.activation == Activation::ReluDropout) {
            float *d = prev.dz.data_ptr<float>();
            const float *mask = prev.mask.data_ptr<float>();
            const std::int64_t m = prev.dz.numel();
            at::parallel_for(0, m, kGrain, [&](std::int64_t begin, std::int64_t end) {
#pragma omp simd
                for (std::int64_t i = begin; i < end; ++i)
                    d[i] *= mask[i];
            });
        }
    }
    return float(lossSum / double(n));
}

} // namespace aestudio
