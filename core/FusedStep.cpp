#include "FusedStep.h"

#include "CounterRandom.h"
#include "Kernels.h"
#include "Sgemm.h"

#include <ATen/Parallel.h>

#include <cmath>

namespace aestudio {
namespace {

using counterrandom::mix;
using gemm::Op;
using namespace kernels;

// Rows per parallel chunk of the element-wise passes: a batch of 64 splits in two for two threads.
constexpr std::int64_t kRowGrain = 16;

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
        TORCH_CHECK(l.weight.is_contiguous() && l.weight.grad().is_contiguous(), "FusedStep needs dense weights");
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
    TORCH_CHECK(noisy.is_contiguous() && clean.is_contiguous(), "FusedStep needs contiguous batches");
    torch::NoGradGuard noGrad;
    const std::int64_t batch = noisy.size(0);
    ensureBuffers(batch);
    const float keep = 1.0f - m_dropout;
    DropoutParams dropout{0, std::uint32_t(std::lround(double(keep) * 65536.0)), keep > 0.0f ? 1.0f / keep : 0.0f,
                          m_dropout > 0.0f};

    // Forward: z = input * W^T (one GEMM), then bias and activation in one pass.
    const float *input = noisy.data_ptr<float>();
    std::int64_t inputCols = noisy.size(1);
    double lossSum = 0.0;
    for (std::size_t li = 0; li < m_layers.size(); ++li) {
        Layer &l = m_layers[li];
        const std::int64_t cols = l.weight.size(0);
        float *z = l.z.data_ptr<float>();
        const float *bias = l.bias.data_ptr<float>();
        gemm::sgemm(Op::None, Op::Transpose, batch, cols, inputCols, 1.0f, input, inputCols, l.weight.data_ptr<float>(),
                    inputCols, 0.0f, z, cols);
        switch (l.activation) {
        case Activation::ReluDropout:
            dropout.seed = mix(seed ^ (std::uint64_t(li + 1) << 56));
            at::parallel_for(0, batch, kRowGrain, [&](std::int64_t begin, std::int64_t end) {
                biasReluDropoutRows(z, l.a.data_ptr<float>(), l.mask.data_ptr<float>(), bias, cols, begin, end, dropout);
            });
            break;
        case Activation::Identity:
            at::parallel_for(0, batch, kRowGrain,
                             [&](std::int64_t begin, std::int64_t end) { biasRows(z, bias, cols, begin, end); });
            break;
        case Activation::Sigmoid: {
            // The loss and its gradient at the output pre-activation come out of the same pass.
            const float twoOverN = 2.0f / float(batch * cols);
            lossSum = at::parallel_reduce(
                0, batch, kRowGrain, 0.0,
                [&](std::int64_t begin, std::int64_t end, double acc) {
                    return acc + sigmoidMseRows(z, bias, clean.data_ptr<float>(), l.a.data_ptr<float>(),
                                                l.dz.data_ptr<float>(), cols, begin, end, twoOverN);
                },
                std::plus<double>());
            break;
        }
        }
        input = l.a.data_ptr<float>();
        inputCols = cols;
    }

    // Backward: dW = dz^T * a_prev and db = column sums of dz straight into the optimizer's gradient buffer;
    // d(a_prev) = dz * W, masked by the previous layer's ReLU/dropout. The input layer needs no input gradient.
    for (std::size_t li = m_layers.size(); li-- > 0;) {
        Layer &l = m_layers[li];
        const std::int64_t outCols = l.weight.size(0), inCols = l.weight.size(1);
        const float *prevA = li == 0 ? noisy.data_ptr<float>() : m_layers[li - 1].a.data_ptr<float>();
        const float *dz = l.dz.data_ptr<float>();
        gemm::sgemm(Op::Transpose, Op::None, outCols, inCols, batch, 1.0f, dz, outCols, prevA, inCols, 0.0f,
                    l.gradWeight.data_ptr<float>(), inCols);
        columnSums(dz, l.gradBias.data_ptr<float>(), batch, outCols);
        if (li == 0)
            break;
        Layer &prev = m_layers[li - 1];
        float *prevDz = prev.dz.data_ptr<float>();
        gemm::sgemm(Op::None, Op::None, batch, inCols, outCols, 1.0f, dz, outCols, l.weight.data_ptr<float>(), inCols,
                    0.0f, prevDz, inCols);
        if (prev.activation == Activation::ReluDropout) {
            const float *mask = prev.mask.data_ptr<float>();
            at::parallel_for(0, batch * inCols, 1 << 14, [&](std::int64_t begin, std::int64_t end) {
                multiplyInPlace(prevDz, mask, begin, end);
            });
        }
    }
    return float(lossSum / double(batch * m_layers.back().weight.size(0)));
}

} // namespace aestudio
