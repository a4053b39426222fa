#include "TrainingConfig.h"

#include "ImageFormat.h"

#include "Errors.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>

namespace aestudio {

QString noiseTypeName(NoiseType type)
{
    switch (type) {
    case NoiseType::Gaussian:
        return QStringLiteral("gaussian");
    case NoiseType::SaltPepper:
        return QStringLiteral("salt-pepper");
    case NoiseType::Masking:
        return QStringLiteral("masking");
    }
    return {};
}

NoiseType noiseTypeFromName(const QString &name)
{
    for (NoiseType t : {NoiseType::Gaussian, NoiseType::SaltPepper, NoiseType::Masking}) {
        if (noiseTypeName(t) == name)
            return t;
    }
    throw ConfigError(QStringLiteral("unknown noise type '%1' (use gaussian, salt-pepper or masking)").arg(name));
}

QVector<int> ModelSpec::hiddenForDepth(int depth)
{
    if (depth == 3)
        return {256, 128};
    if (depth == 5)
        return {512, 256, 128, 64};
    throw ConfigError(QStringLiteral("depth %1 is not supported (use 3 or 5)").arg(depth));
}

QString ModelSpec::describe() const
{
    QStringList parts{QString::number(kPixelsPerImage)};
    for (int h : hidden)
        parts << QString::number(h);
    parts << QString::number(latent);
    return parts.join(QLatin1Char('-'));
}

QString NoiseSpec::describe() const
{
    return QStringLiteral("%1 %2").arg(noiseTypeName(type)).arg(level, 0, 'f', 2);
}

QString NoiseSpec::label() const
{
    return isClean() ? QStringLiteral("no noise") : describe();
}

double ModelSpec::trainingFlopsPerSample() const
{
    QVector<int> widths{kPixelsPerImage};
    widths += hidden;
    widths << latent;
    for (auto it = hidden.crbegin(); it != hidden.crend(); ++it)
        widths << *it;
    widths << kPixelsPerImage;
    double weights = 0;
    for (int i = 0; i + 1 < widths.size(); ++i)
        weights += double(widths[i]) * widths[i + 1];
    return 6.0 * weights;
}

std::int64_t ModelSpec::parameterCount() const
{
    std::int64_t n = 0;
    std::int64_t in = kPixelsPerImage;
    QVector<int> widths = hidden;
    widths << latent;
    for (int w : widths) { // encoder: in -> w, decoder: w -> in, each with weights and a bias
        n += 2 * in * w + w + in;
        in = w;
    }
    return n;
}

namespace {
void require(bool ok, const QString &what)
{
    if (!ok)
        throw ConfigError(what);
}
} // namespace

void NoiseSpec::validate() const
{
    const double top = type == NoiseType::Gaussian ? 10.0 : 1.0;
    require(
        level >= 0.0 && level <= top, // NaN fails both comparisons
        QStringLiteral("noise level %1 is out of range (0 to %2 for %3)").arg(level).arg(top).arg(noiseTypeName(type)));
}

void TrainingConfig::validate() const
{
    require(!dataset.isEmpty(), QStringLiteral("no dataset given"));
    require(!model.hidden.isEmpty(), QStringLiteral("the model needs at least one hidden layer"));
    require(model.hidden.size() <= 16,
            QStringLiteral("%1 hidden layers; at most 16 are supported").arg(model.hidden.size()));
    for (int h : model.hidden)
        require(h >= 1 && h <= 65536, QStringLiteral("hidden width %1 must be between 1 and 65536").arg(h));
    require(model.latent >= 1 && model.latent <= 4096,
            QStringLiteral("latent dim %1 must be between 1 and 4096").arg(model.latent));
    require(model.parameterCount() <= ModelSpec::kMaxParameters,
            QStringLiteral("model %1 would have %2 parameters; the limit is %3")
                .arg(model.describe())
                .arg(model.parameterCount())
                .arg(ModelSpec::kMaxParameters));
    require(model.dropout >= 0.0 && model.dropout < 1.0,
            QStringLiteral("dropout %1 must be in [0, 1)").arg(model.dropout));
    noise.validate();
    require(std::isfinite(weightDecay) && weightDecay >= 0.0 && weightDecay < 1.0,
            QStringLiteral("weight decay %1 must be in [0, 1)").arg(weightDecay));
    require(epochs >= 1 && epochs <= 100000, QStringLiteral("epochs %1 must be at least 1").arg(epochs));
    require(batchSize >= 1 && batchSize <= 65536,
            QStringLiteral("batch size %1 must be between 1 and 65536").arg(batchSize));
    require(std::isfinite(learningRate) && learningRate > 0.0 && learningRate < 10.0,
            QStringLiteral("learning rate %1 must be in (0, 10)").arg(learningRate));
    require(lrSchedule == QLatin1String("constant") || lrSchedule == QLatin1String("cosine"),
            QStringLiteral("learning-rate schedule '%1' must be constant or cosine").arg(lrSchedule));
    require(limit >= 0, QStringLiteral("limit %1 must not be negative").arg(limit));
    require(threads >= 0 && threads <= 1024, QStringLiteral("threads %1 must be between 0 and 1024").arg(threads));
    require(validationFraction > 0.0 && validationFraction < 1.0,
            QStringLiteral("validation fraction %1 must be in (0, 1)").arg(validationFraction));
    require(patience >= 0, QStringLiteral("patience %1 must not be negative").arg(patience));
    require(device == QLatin1String("auto") || device == QLatin1String("cpu")
                || device.startsWith(QLatin1String("cuda")),
            QStringLiteral("device '%1' must be auto, cpu or cuda[:N]").arg(device));
}

double TrainingConfig::learningRateAt(std::int64_t step, std::int64_t totalSteps) const
{
    if (lrSchedule != QLatin1String("cosine") || totalSteps <= 1)
        return learningRate;
    constexpr double kFloor = 0.01;
    const double progress = std::clamp(double(step) / double(totalSteps - 1), 0.0, 1.0);
    return learningRate * (kFloor + (1.0 - kFloor) * 0.5 * (1.0 + std::cos(M_PI * progress)));
}

QJsonObject TrainingConfig::toJson() const
{
    QJsonArray hiddenJson;
    for (int h : model.hidden)
        hiddenJson.append(h);
    return QJsonObject{
        {QStringLiteral("dataset"), dataset},
        {QStringLiteral("hidden"), hiddenJson},
        {QStringLiteral("latent"), model.latent},
        {QStringLiteral("dropout"), model.dropout},
        {QStringLiteral("noise_type"), noiseTypeName(noise.type)},
        {QStringLiteral("noise"), noise.level},
        {QStringLiteral("weight_decay"), weightDecay},
        {QStringLiteral("epochs"), epochs},
        {QStringLiteral("batch_size"), batchSize},
        {QStringLiteral("lr"), learningRate},
        {QStringLiteral("lr_schedule"), lrSchedule},
        {QStringLiteral("seed"), QString::number(seed)},
        {QStringLiteral("limit"), limit},
        {QStringLiteral("threads"), threads},
        {QStringLiteral("validation_fraction"), validationFraction},
        {QStringLiteral("patience"), patience},
        {QStringLiteral("device"), device},
    };
}

TrainingConfig TrainingConfig::fromJson(const QJsonObject &json)
{
    TrainingConfig c;
    c.dataset = json.value(QStringLiteral("dataset")).toString(c.dataset);
    if (json.contains(QStringLiteral("hidden"))) {
        c.model.hidden.clear();
        for (const auto &v : json.value(QStringLiteral("hidden")).toArray())
            c.model.hidden << v.toInt(-1);
    }
    c.model.latent = json.value(QStringLiteral("latent")).toInt(c.model.latent);
    c.model.dropout = json.value(QStringLiteral("dropout")).toDouble(c.model.dropout);
    c.noise.type = noiseTypeFromName(json.value(QStringLiteral("noise_type")).toString(noiseTypeName(c.noise.type)));
    c.noise.level = json.value(QStringLiteral("noise")).toDouble(c.noise.level);
    c.weightDecay = json.value(QStringLiteral("weight_decay")).toDouble(c.weightDecay);
    c.epochs = json.value(QStringLiteral("epochs")).toInt(c.epochs);
    c.batchSize = json.value(QStringLiteral("batch_size")).toInt(c.batchSize);
    c.learningRate = json.value(QStringLiteral("lr")).toDouble(c.learningRate);
    c.lrSchedule = json.value(QStringLiteral("lr_schedule")).toString(c.lrSchedule);
    bool ok = true;
    const QString seedText = json.value(QStringLiteral("seed")).toString(QStringLiteral("0"));
    c.seed = seedText.toULongLong(&ok);
    require(ok, QStringLiteral("seed '%1' is not a non-negative integer").arg(seedText));
    c.limit = json.value(QStringLiteral("limit")).toInt(c.limit);
    c.threads = json.value(QStringLiteral("threads")).toInt(c.threads);
    c.validationFraction = json.value(QStringLiteral("validation_fraction")).toDouble(c.validationFraction);
    c.patience = json.value(QStringLiteral("patience")).toInt(c.patience);
    c.device = json.value(QStringLiteral("device")).toString(c.device);
    c.validate();
    return c;
}

} // namespace aestudio
