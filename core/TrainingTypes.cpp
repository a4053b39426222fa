#include "TrainingTypes.h"

#include <algorithm>

namespace aestudio {

QString formatDuration(double seconds)
{
    const qint64 s = qint64(std::max(0.0, seconds) + 0.5);
    if (s >= 3600)
        return QStringLiteral("%1:%2:%3")
            .arg(s / 3600)
            .arg((s / 60) % 60, 2, 10, QLatin1Char('0'))
            .arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

QJsonObject EpochMetrics::toJson() const
{
    return QJsonObject{{QStringLiteral("epoch"), epoch},
                       {QStringLiteral("train_loss"), trainLoss},
                       {QStringLiteral("val_loss"), valLoss},
                       {QStringLiteral("val_psnr_db"), valPsnrDb},
                       {QStringLiteral("val_psnr_global_db"), valPsnrGlobalDb},
                       {QStringLiteral("noisy_psnr_db"), noisyPsnrDb},
                       {QStringLiteral("seconds"), seconds},
                       {QStringLiteral("train_seconds"), trainSeconds}};
}

EpochMetrics EpochMetrics::fromJson(const QJsonObject &json)
{
    EpochMetrics m;
    m.epoch = json.value(QStringLiteral("epoch")).toInt();
    m.trainLoss = json.value(QStringLiteral("train_loss")).toDouble();
    m.valLoss = json.value(QStringLiteral("val_loss")).toDouble();
    m.valPsnrDb = json.value(QStringLiteral("val_psnr_db")).toDouble();
    m.valPsnrGlobalDb = json.value(QStringLiteral("val_psnr_global_db")).toDouble();
    m.noisyPsnrDb = json.value(QStringLiteral("noisy_psnr_db")).toDouble();
    m.seconds = json.value(QStringLiteral("seconds")).toDouble();
    m.trainSeconds = json.value(QStringLiteral("train_seconds")).toDouble();
    return m;
}

} // namespace aestudio
