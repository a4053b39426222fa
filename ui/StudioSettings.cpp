#include "StudioSettings.h"

#include "Errors.h"

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

} // namespace aestudio::StudioSettings
