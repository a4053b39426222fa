#include "FusedStep.h"

#include "FlatAdam.h"

#include <cmath>

namespace aestudio {
namespace {

std::vector<torch::nn::Linear> linearsOf(AutoEncoder &model)
{
    std::vector<torch::nn::Linear> out;
    for (const auto &seq : {model->encoder, model->decoder})
        for (const auto &child : seq->children())
            if (auto linear = std::dynamic_pointer_cast<torch::nn::LinearImpl>(child))
                out.emplace_back(linear);
    return out;
}

bool engineRuns(const torch::Tensor &t)
{
    return t.is_cpu() && t.is_contiguous() && t.scalar_type() == torch::kFloat32;
}

} // namespace

std::vector<step::Layer> engineLayers(AutoEncoder &model)
{
    const auto linears = linearsOf(model);
    const std::size_t hidden = model->spec.hidden.size();
    std::vector<step::Layer> layers;
    for (std::size_t i = 0; i < linears.size(); ++i) {
        const torch::Tensor &weight = linears[i]->weight, &bias = linears[i]->bias;
        if (!engineRuns(weight) || !engineRuns(bias))
            return {};
        step::Layer l;
        l.in = weight.size(1);
        l.out = weight.size(0);
        l.weight = weight.data_ptr<float>();
        l.bias = bias.data_ptr<float>();
        if (i == linears.size() - 1)
            l.activation = step::Activation::Sigmoid;
        else if (i == hidden) // the latent layer
            l.activation = step::Activation::Identity;
        else
            l.activation = step::Activation::ReluDropout;
        layers.push_back(l);
    }
    return layers;
}

FusedStep::FusedStep(AutoEncoder &model, double dropout, FlatAdam &optimizer)
    : m_layers(engineLayers(model)), m_optimizer(optimizer), m_dropout(float(dropout))
{
    TORCH_CHECK(!m_layers.empty(), "FusedStep needs dense float weights on the CPU");
    const auto linears = linearsOf(model);
    for (std::size_t i = 0; i < linears.size(); ++i) {
        torch::Tensor weight = linears[i]->weight, bias = linears[i]->bias; // handles to the same storage
        // The optimizer gave every parameter a defined gradient view into its flat buffer; write into those.
        TORCH_CHECK(weight.grad().defined() && bias.grad().defined(), "FusedStep needs gradients allocated");
        step::Layer &l = m_layers[i];
        l.gradWeight = weight.mutable_grad().data_ptr<float>();
        l.gradBias = bias.mutable_grad().data_ptr<float>();
        l.flatWeight = optimizer.flatOffset(weight);
        l.flatBias = optimizer.flatOffset(bias);
    }
}

void FusedStep::ensureBuffers(std::int64_t batch)
{
    if (batch == m_batch)
        return;
    m_batch = batch;
    m_scratch.clear();
    const auto buffer = [&](std::int64_t cols) {
        m_scratch.push_back(torch::empty({batch, cols}));
        return m_scratch.back().data_ptr<float>();
    };
    for (step::Layer &l : m_layers) {
        l.z = buffer(l.out);
        l.a = l.activation == step::Activation::Identity    ? l.z
            : l.activation == step::Activation::ReluDropout ? buffer(l.out)
                                                            : nullptr; // the output layer's y: nothing reads it
        l.dz = buffer(l.out);
    }
}

float FusedStep::run(const torch::Tensor &noisy, const torch::Tensor &clean, std::uint64_t seed, bool update,
                     std::function<void(std::int64_t, std::int64_t)> prepare)
{
    TORCH_CHECK(noisy.is_cpu() && clean.is_cpu() && noisy.is_contiguous() && clean.is_contiguous()
                    && noisy.sizes() == clean.sizes() && noisy.size(1) == m_layers.front().in,
                "FusedStep needs two contiguous [B,", m_layers.front().in, "] CPU batches");
    ensureBuffers(noisy.size(0));
    const float keep = 1.0f - m_dropout;
    const kernels::DropoutParams dropout{0, std::uint32_t(std::lround(double(keep) * 65536.0)),
                                         keep > 0.0f ? 1.0f / keep : 0.0f, m_dropout > 0.0f};
    const step::Batch batch{noisy.data_ptr<float>(), clean.data_ptr<float>(), noisy.size(0), std::move(prepare)};
    if (!update)
        return step::run(m_layers, batch, dropout, seed, nullptr);
    // The step count advances only for a finite loss, as with a separate step() after checking it.
    const std::int64_t stepsBefore = m_optimizer.steps();
    step::FusedAdam adam;
    adam.coefficients = m_optimizer.beginStep();
    adam.param = m_optimizer.flatParams();
    adam.grad = m_optimizer.flatGrads();
    adam.expAvg = m_optimizer.flatExpAvg();
    adam.expAvgSq = m_optimizer.flatExpAvgSq();
    const float loss = step::run(m_layers, batch, dropout, seed, &adam);
    if (!std::isfinite(loss))
        m_optimizer.setSteps(stepsBefore);
    return loss;
}

float FusedStep::forwardBackward(const torch::Tensor &noisy, const torch::Tensor &clean, std::uint64_t seed)
{
    return run(noisy, clean, seed, false);
}

float FusedStep::train(const torch::Tensor &noisy, const torch::Tensor &clean, std::uint64_t seed,
                       std::function<void(std::int64_t begin, std::int64_t end)> prepare)
{
    return run(noisy, clean, seed, true, std::move(prepare));
}

} // namespace aestudio
