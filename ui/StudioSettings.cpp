#include "StudioSettings.h"

#include "Errors.h"

#include <QSysInfo>

#include <QJsonArray>
#include <QMainWindow>
#include <QSettings>
#include <QSplitter>

namespace aestudio::StudioSettings {
namespace {

const QString kGroup = QStringLiteral("config");

// Converts a stored value to the JSON type of the default, or an undefined value when it does not convert.
QJsonValue convert(const QVariant &stored, const QJsonValue &defaultValue)
{
    bool ok = false;
    switch (defaultValue.type()) {
    case QJsonValue::Double: {
        const double d = stored.toDouble(&ok);
        return ok ? QJsonValue(d) : QJsonValue(QJsonValue::Undefined);
    }
    case QJsonValue::String:
        return stored.canConvert<QString>() ? QJsonValue(stored.toString()) : QJsonValue(QJsonValue::Undefined);
    case QJsonValue::Array: {
        QJsonArray array;
        for (const QString &part : stored.toString().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            const int v = part.trimmed().toInt(&ok);
            if (!ok)
                return QJsonValue(QJsonValue::Undefined);
            array.append(v);
        }
        return array;
    }
    default:
        return QJsonValue(QJsonValue::Undefined);
    }
}

QVariant toStored(const QJsonValue &v)
{
    if (v.isArray()) {
        QStringList parts;
        for (const auto &item : v.toArray())
            parts << QString::number(item.toInt());
        return parts.join(QLatin1Char(','));
    }
    return v.toVariant();
}

} // namespace

TrainingConfig defaults()
{
    TrainingConfig c;
    c.model.dropout = 0.2;
    c.noise = {NoiseType::Gaussian, 0.5};
    c.epochs = 20;
    return c;
}

TrainingConfig loadConfig(QSettings &settings)
{
    const QJsonObject defaults = StudioSettings::defaults().toJson();
    QJsonObject accepted = defaults;
    settings.beginGroup(kGroup);
    for (auto it = defaults.begin(); it != defaults.end(); ++it) {
        if (!settings.contains(it.key()))
            continue;
        const QJsonValue value = convert(settings.value(it.key()), it.value());
        if (value.isUndefined())
            continue;
        QJsonObject candidate = accepted;
        candidate.insert(it.key(), value);
        try {
            TrainingConfig::fromJson(candidate); // validates the whole recipe with this one value changed
            accepted = candidate;
        } catch (const StudioError &) {
            // keep the default for this key
        }
    }
    settings.endGroup();
    return TrainingConfig::fromJson(accepted);
}

void saveConfig(QSettings &settings, const TrainingConfig &config)
{
    const QJsonObject json = config.toJson();
    settings.beginGroup(kGroup);
    for (auto it = json.begin(); it != json.end(); ++it)
        settings.setValue(it.key(), toStored(it.value()));
    settings.endGroup();
}

void saveSweepForm(QSettings &s, const SweepSpec &spec)
{
    auto list = [](const auto &values) { return SweepSpec::formatList(QVector<double>(values.begin(), values.end())); };
    s.setValue(QStringLiteral("experiments/depths"), list(spec.depths));
    s.setValue(QStringLiteral("experiments/latents"), list(spec.latents));
    s.setValue(QStringLiteral("experiments/dropouts"), list(spec.dropouts));
    s.setValue(QStringLiteral("experiments/weightDecays"), list(spec.weightDecays));
    s.setValue(QStringLiteral("experiments/epochs"), spec.epochs);
    s.setValue(QStringLiteral("experiments/epochsRegularised"), spec.epochsRegularised);
    s.setValue(QStringLiteral("experiments/jobs"), spec.jobs);
    s.setValue(QStringLiteral("experiments/dataset"), spec.base.dataset);
    s.setValue(QStringLiteral("experiments/noiseType"), noiseTypeName(spec.base.noise.type));
    s.setValue(QStringLiteral("experiments/noise"), spec.base.noise.level);
    s.setValue(QStringLiteral("experiments/lr"), spec.base.learningRate);
}

bool loadSweepForm(QSettings &s, SweepSpec &spec)
{
    if (!s.contains(QStringLiteral("experiments/dataset")))
        return false;
    auto value = [&s](const char *key) { return s.value(QStringLiteral("experiments/") + QLatin1String(key)); };
    auto list = [&](const char *key, auto &target) {
        try {
            const QVector<double> v = SweepSpec::parseList(value(key).toString(), QString());
            if (!v.isEmpty()) {
                target.clear();
                for (double x : v)
                    target.append(typename std::decay_t<decltype(target)>::value_type(x));
            }
        } catch (const StudioError &) {
        }
    };
    list("depths", spec.depths);
    list("latents", spec.latents);
    list("dropouts", spec.dropouts);
    list("weightDecays", spec.weightDecays);
    auto number = [&](const char *key, int &target, int lo, int hi) {
        bool ok = false;
        const int v = value(key).toInt(&ok);
        if (ok && v >= lo && v <= hi)
            target = v;
    };
    number("epochs", spec.epochs, 1, 1000);
    number("epochsRegularised", spec.epochsRegularised, 0, 1000);
    number("jobs", spec.jobs, 0, 8); // 0 = auto
    const QString dataset = value("dataset").toString();
    if (!dataset.isEmpty())
        spec.base.dataset = dataset;
    try {
        spec.base.noise.type = noiseTypeFromName(value("noiseType").toString());
    } catch (const StudioError &) {
    }
    bool ok = false;
    const double noise = value("noise").toDouble(&ok);
    if (ok && noise >= 0 && noise <= 1)
        spec.base.noise.level = noise;
    const double lr = value("lr").toDouble(&ok);
    if (ok && lr >= 1e-6 && lr <= 1)
        spec.base.learningRate = lr;
    return true;
}

void saveWindow(QSettings &settings, const QMainWindow &window, const QSplitter &split)
{
    settings.setValue(QStringLiteral("window/geometry"), window.saveGeometry());
    settings.setValue(QStringLiteral("window/state"), window.saveState());
    settings.setValue(QStringLiteral("window/split2"), split.saveState());
}

void restoreWindow(QSettings &settings, QMainWindow *window, QSplitter *split)
{
    window->restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    window->restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    split->restoreState(settings.value(QStringLiteral("window/split2")).toByteArray());
}

namespace {
QString peakKey(int threads)
{
    return QStringLiteral("performance/sgemm-peak/%1/%2")
        .arg(QString::fromLatin1(QSysInfo::machineHostName().toUtf8().toHex()))
        .arg(threads);
}
} // namespace

double sgemmPeak(QSettings &settings, int threads)
{
    const double v = settings.value(peakKey(threads)).toDouble();
    return v > 0 && v < 1e7 ? v : 0.0;
}

void setSgemmPeak(QSettings &settings, int threads, double gflops)
{
    settings.setValue(peakKey(threads), gflops);
}

} // namespace aestudio::StudioSettings
