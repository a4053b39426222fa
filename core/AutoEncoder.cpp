#include "AutoEncoder.h"

#include "ImageFormat.h"

#include <mutex>

namespace aestudio {
namespace {

// Every draw from torch's global generator in this program happens under this lock: building a model (its initial
// weights) and seeding. Two sweep runs at once, or a run folder's grid snapshot beside another run's start, would
// otherwise interleave their draws and change each other's initial weights.
std::recursive_mutex &generatorLock()
{
    static std::recursive_mutex lock;
    return lock;
}

} // namespace

AutoEncoder seededModel(const ModelSpec &spec, std::uint64_t seed)
{
    const std::lock_guard<std::recursive_mutex> hold(generatorLock());
    torch::manual_seed(seed);
    return AutoEncoder(spec);
}

void seedGlobalGenerator(std::uint64_t seed)
{
    const std::lock_guard<std::recursive_mutex> hold(generatorLock());
    torch::manual_seed(seed);
}

AutoEncoderImpl::AutoEncoderImpl(const ModelSpec &s) : spec(s)
{
    const std::lock_guard<std::recursive_mutex> hold(generatorLock());
    torch::nn::Sequential enc;
    std::int64_t width = kPixelsPerImage;
    for (int h : spec.hidden) {
        enc->push_back(torch::nn::Linear(width, h));
        enc->push_back(torch::nn::ReLU());
        enc->push_back(torch::nn::Dropout(spec.dropout));
        width = h;
    }
    enc->push_back(torch::nn::Linear(width, spec.latent));

    torch::nn::Sequential dec;
    width = spec.latent;
    for (auto it = spec.hidden.crbegin(); it != spec.hidden.crend(); ++it) {
        dec->push_back(torch::nn::Linear(width, *it));
        dec->push_back(torch::nn::ReLU());
        dec->push_back(torch::nn::Dropout(spec.dropout));
        width = *it;
    }
    dec->push_back(torch::nn::Linear(width, kPixelsPerImage));
    dec->push_back(torch::nn::Sigmoid());

    encoder = register_module("encoder", enc);
    decoder = register_module("decoder", dec);
}

torch::Tensor AutoEncoderImpl::forward(const torch::Tensor &x)
{
    return decoder->forward(encoder->forward(x));
}

torch::Tensor AutoEncoderImpl::encode(const torch::Tensor &x)
{
    return encoder->forward(x);
}

torch::Tensor AutoEncoderImpl::decode(const torch::Tensor &z)
{
    return decoder->forward(z);
}

void copyWeights(const AutoEncoder &from, AutoEncoder &to)
{
    torch::NoGradGuard noGrad;
    const auto source = from->parameters();
    auto target = to->parameters();
    TORCH_CHECK(source.size() == target.size(), "copyWeights: different architectures");
    for (std::size_t i = 0; i < source.size(); ++i)
        target[i].copy_(source[i]);
}

AutoEncoder cloneModel(const AutoEncoder &model, const torch::Device &device)
{
    AutoEncoder copy(model->spec);
    copy->to(device);
    copyWeights(model, copy);
    copy->train(model->is_training());
    return copy;
}

std::int64_t parameterCount(const AutoEncoder &model)
{
    std::int64_t n = 0;
    for (const auto &p : model->parameters())
        n += p.numel();
    return n;
}

} // namespace aestudio
