#include "NoiseModel.h"
#include "Pixels.h"

#include "CounterRandom.h"

#include <ATen/CPUGeneratorImpl.h>

namespace aestudio {

NoiseModel::NoiseModel(NoiseSpec spec, std::uint64_t seed)
    : m_spec(spec), m_generator(at::make_generator<at::CPUGeneratorImpl>(seed))
{
    reseed(seed);
}

void NoiseModel::reseed(std::uint64_t seed)
{
    std::lock_guard<std::mutex> lock(m_generator.mutex());
    m_generator.set_current_seed(seed);
    m_gaussianKey = counterrandom::mix(seed ^ 0x6761757373ull);
    m_gaussianDraws = 0;
}

bool NoiseModel::canAddInParts(const NoiseSpec &spec)
{
    return spec.isClean() || spec.type == NoiseType::Gaussian;
}

std::uint64_t NoiseModel::nextGaussianKey(std::int64_t values)
{
    const std::uint64_t key = m_gaussianKey + m_gaussianDraws;
    m_gaussianDraws += counterrandom::gaussianDrawsFor(values);
    return key;
}

torch::Tensor NoiseModel::apply(const torch::Tensor &clean)
{
    torch::Tensor out = torch::empty_like(clean);
    applyInto(clean, out);
    return out;
}

void NoiseModel::applyInto(const torch::Tensor &clean, torch::Tensor &out)
{
    torch::NoGradGuard noGrad;
    if (m_spec.isClean()) {
        out.copy_(clean);
        return;
    }
    // Draw on the CPU generator, whatever the device, so CPU and CUDA runs see the same corruption.
    if (!m_draw.defined() || m_draw.sizes() != clean.sizes())
        m_draw = torch::empty(clean.sizes(), torch::kFloat32);
    const double level = m_spec.level;
    switch (m_spec.type) {
    case NoiseType::Gaussian: {
        const std::int64_t n = clean.numel();
        const std::uint64_t key = nextGaussianKey(n);
        if (clean.is_cpu() && out.is_cpu() && clean.is_contiguous() && out.is_contiguous()
            && clean.scalar_type() == torch::kFloat32 && out.scalar_type() == torch::kFloat32) {
            counterrandom::addGaussianClamped(clean.data_ptr<float>(), out.data_ptr<float>(), n, float(level), key);
            break;
        }
        counterrandom::fillGaussian(m_draw.data_ptr<float>(), n, float(level), key);
        out.copy_(clean);
        out.add_(m_draw.to(clean.device(), /*non_blocking=*/true)).clamp_(0.0, 1.0);
        break;
    }
    case NoiseType::SaltPepper: {
        m_draw.uniform_(0.0, 1.0, m_generator);
        const torch::Tensor u = m_draw.to(clean.device());
        out.copy_(clean);
        out.masked_fill_(u < level * 0.5, 1.0);
        out.masked_fill_((u >= level * 0.5) & (u < level), 0.0);
        break;
    }
    case NoiseType::Masking: {
        m_draw.uniform_(0.0, 1.0, m_generator);
        out.copy_(clean);
        out.masked_fill_(m_draw.to(clean.device()) < level, 0.0);
        break;
    }
    }
}

torch::Tensor toUnitFloat(const torch::Tensor &bytes, const torch::Device &device)
{
    return bytes.to(device).to(torch::kFloat32).mul_(1.0f / 255.0f);
}

} // namespace aestudio
