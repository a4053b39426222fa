#include "InferenceModel.h"

#include "CheckpointIO.h"
#include "FusedStep.h"
#include "InferenceModelImpl.h"
#include "NoiseModel.h"

namespace aestudio {
namespace {

constexpr std::int64_t kEvalChunk = 2000;

// Per-image MSE, [N].
torch::Tensor perImageMse(const torch::Tensor &a, const torch::Tensor &b)
{
    return (a - b).pow_(2).mean(1);
}

torch::Tensor perImagePsnr(const torch::Tensor &mse)
{
    return mse.clamp_min(kMinMse).reciprocal().log10_().mul_(10.0);
}

class ModeGuard {
public:
    // Touches the flags only when the model is training: snapshots are always in eval mode and may be evaluated
    // from several preview threads at once, so they must not be written to.
    explicit ModeGuard(AutoEncoder &m) : m_model(m), m_wasTraining(m->is_training())
    {
        if (m_wasTraining)
            m_model->eval();
    }
    ~ModeGuard()
    {
        if (m_wasTraining)
            m_model->train(true);
    }

private:
    AutoEncoder &m_model;
    bool m_wasTraining;
};

} // namespace

torch::Tensor pixelView(const std::uint8_t *pixels, int count)
{
    return torch::from_blob(const_cast<std::uint8_t *>(pixels), {count, kPixelsPerImage}, torch::kUInt8);
}

torch::Tensor pixelView(const ImageSet &images)
{
    return pixelView(images.pixels.data(), images.count());
}

QualityMetrics evaluateSet(AutoEncoder &model, const torch::Tensor &pixels, const NoiseSpec &noise, std::uint64_t seed,
                           const torch::Device &device)
{
    torch::NoGradGuard noGrad;
    ModeGuard mode(model);
    NoiseModel noiser(noise, seed);
    // On the CPU the forward pass runs in the training step's engine (oneDNN GEMMs, all threads, the reconstruction
    // never stored): 2-3x faster than torch's linear layers on OpenBLAS, and it is every epoch's validation pass.
    const std::vector<step::Layer> engine = device.is_cpu() ? engineLayers(model) : std::vector<step::Layer>{};
    double sumMse = 0, sumPsnr = 0, sumNoisyMse = 0, sumNoisyPsnr = 0;
    const std::int64_t n = pixels.size(0);
    for (std::int64_t start = 0; start < n; start += kEvalChunk) {
        const torch::Tensor clean = toUnitFloat(pixels.slice(0, start, std::min(n, start + kEvalChunk)), device);
        const torch::Tensor noisy = noiser.apply(clean).contiguous();
        torch::Tensor mse;
        if (!engine.empty()) {
            mse = torch::empty({clean.size(0)}, torch::kFloat64);
            step::evaluate(engine, noisy.data_ptr<float>(), clean.contiguous().data_ptr<float>(), clean.size(0),
                           mse.data_ptr<double>());
            mse.div_(double(clean.size(1)));
        } else {
            mse = perImageMse(model->forward(noisy), clean);
        }
        const torch::Tensor noisyMse = perImageMse(noisy, clean);
        sumMse += mse.sum().item<double>();
        sumPsnr += perImagePsnr(mse).sum().item<double>();
        sumNoisyMse += noisyMse.sum().item<double>();
        sumNoisyPsnr += perImagePsnr(noisyMse).sum().item<double>();
    }
    QualityMetrics m;
    m.images = int(n);
    if (n == 0)
        return m;
    m.mse = sumMse / n;
    m.psnrMeanDb = sumPsnr / n;
    m.psnrGlobalDb = psnrDb(m.mse);
    m.noisyMse = sumNoisyMse / n;
    m.noisyPsnrMeanDb = sumNoisyPsnr / n;
    m.noisyPsnrGlobalDb = psnrDb(m.noisyMse);
    return m;
}

InferenceModel::InferenceModel(std::unique_ptr<Impl> impl) : d(std::move(impl))
{
}
InferenceModel::~InferenceModel() = default;

std::shared_ptr<const InferenceModel> InferenceModel::fromCheckpoint(const QString &path, CheckpointInfo *infoOut)
{
    CheckpointInfo info;
    const CheckpointTensors saved = loadCheckpoint(path, &info);
    AutoEncoder model(info.config.model);
    setParameterValues(model, saved.weights);
    model->eval();
    if (infoOut)
        *infoOut = std::move(info);
    return std::make_shared<const InferenceModel>(std::make_unique<Impl>(Impl{model, torch::kCPU}));
}

namespace {

std::vector<float> toFloats(const torch::Tensor &t)
{
    const torch::Tensor c = t.to(torch::kCPU).contiguous();
    return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

std::vector<double> toDoubles(const torch::Tensor &t)
{
    const torch::Tensor c = t.to(torch::kCPU, torch::kFloat64).contiguous();
    return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

// The clean and noisy halves of a Reconstruction, with the noisy input's metrics.
Reconstruction noised(const torch::Tensor &clean, const torch::Tensor &noisy)
{
    Reconstruction r;
    r.count = int(clean.size(0));
    const torch::Tensor noisyMse = perImageMse(noisy, clean);
    r.clean = toFloats(clean);
    r.noisy = toFloats(noisy);
    r.noisyPsnrDb = toDoubles(perImagePsnr(noisyMse));
    QualityMetrics &m = r.metrics;
    m.images = r.count;
    m.noisyMse = noisyMse.mean().item<double>();
    m.noisyPsnrMeanDb = torch::tensor(r.noisyPsnrDb).mean().item<double>();
    m.noisyPsnrGlobalDb = psnrDb(m.noisyMse);
    return r;
}

} // namespace

Reconstruction InferenceModel::noiseOnly(const std::uint8_t *pixels, int count, const NoiseSpec &noise,
                                         std::uint64_t seed)
{
    torch::NoGradGuard noGrad;
    if (count <= 0)
        return {};
    const torch::Tensor clean = toUnitFloat(pixelView(pixels, count), torch::kCPU);
    return noised(clean, NoiseModel(noise, seed).apply(clean));
}

Reconstruction InferenceModel::reconstruct(const std::uint8_t *pixels, int count, const NoiseSpec &noise,
                                           std::uint64_t seed) const
{
    torch::NoGradGuard noGrad;
    if (count <= 0)
        return {};
    const torch::Tensor clean = toUnitFloat(pixelView(pixels, count), d->device);
    const torch::Tensor noisy = NoiseModel(noise, seed).apply(clean);
    const torch::Tensor recon = d->model->forward(noisy);
    const torch::Tensor mse = perImageMse(recon, clean);
    Reconstruction r = noised(clean, noisy);
    r.reconstructed = toFloats(recon);
    r.psnrDb = toDoubles(perImagePsnr(mse));
    r.metrics.mse = mse.mean().item<double>();
    r.metrics.psnrMeanDb = torch::tensor(r.psnrDb).mean().item<double>();
    r.metrics.psnrGlobalDb = psnrDb(r.metrics.mse);
    return r;
}

Reconstruction InferenceModel::reconstructProbes(const ImageSet &images, int count, const NoiseSpec &noise) const
{
    return reconstruct(images.pixels.data(), std::min(count, images.count()), noise, kProbeNoiseSeed);
}

QualityMetrics InferenceModel::evaluate(const ImageSet &images, const NoiseSpec &noise, std::uint64_t seed) const
{
    return evaluateSet(d->model, pixelView(images), noise, seed, d->device);
}

int InferenceModel::latentDim() const
{
    return d->model->spec.latent;
}

std::vector<float> InferenceModel::encode(const std::uint8_t *pixels, int count) const
{
    torch::NoGradGuard noGrad;
    std::vector<float> codes;
    if (count <= 0)
        return codes;
    codes.reserve(std::size_t(count) * std::size_t(latentDim()));
    constexpr int kChunk = 4096; // bounds the activations, whatever the count
    for (int start = 0; start < count; start += kChunk) {
        const int n = std::min(kChunk, count - start);
        const torch::Tensor z
            = d->model->encode(toUnitFloat(pixelView(pixels + std::size_t(start) * kPixelsPerImage, n), d->device));
        const std::vector<float> part = toFloats(z);
        codes.insert(codes.end(), part.begin(), part.end());
    }
    return codes;
}

std::vector<float> InferenceModel::decode(const float *codes, int count) const
{
    torch::NoGradGuard noGrad;
    if (count <= 0)
        return {};
    const torch::Tensor z
        = torch::from_blob(const_cast<float *>(codes), {count, latentDim()}, torch::kFloat32).to(d->device);
    return toFloats(d->model->decode(z));
}

} // namespace aestudio
