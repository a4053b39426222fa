#include "TrainingTypes.h"

namespace aestudio {

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
