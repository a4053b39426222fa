#include "RunFiles.h"

#include "Errors.h"

#include <QJsonArray>

namespace aestudio {

QByteArray RunFiles::metricsCsv(const QVector<EpochMetrics> &history)
{
    // QByteArray::number is locale-independent, so a German desktop still writes 0.0123, not 0,0123.
    QByteArray csv = "epoch,train_loss,val_loss,val_psnr_mean_db,val_psnr_global_db,noisy_psnr_mean_db,seconds\n";
    for (const EpochMetrics &m : history) {
        csv += QByteArray::number(m.epoch) + ',' + QByteArray::number(m.trainLoss, 'g', 8) + ','
            + QByteArray::number(m.valLoss, 'g', 8) + ',' + QByteArray::number(m.valPsnrDb, 'f', 4) + ','
            + QByteArray::number(m.valPsnrGlobalDb, 'f', 4) + ',' + QByteArray::number(m.noisyPsnrDb, 'f', 4) + ','
            + QByteArray::number(m.seconds, 'f', 3) + '\n';
    }
    return csv;
}

QVector<EpochMetrics> RunFiles::parseMetricsCsv(const QByteArray &csv)
{
    QVector<EpochMetrics> history;
    const QList<QByteArray> lines = csv.split('\n');
    for (int i = 1; i < lines.size(); ++i) { // line 0 is the header
        const QByteArray line = lines[i].trimmed();
        if (line.isEmpty())
            continue;
        const QList<QByteArray> f = line.split(',');
        bool ok = f.size() == 7;
        double v[7] = {};
        for (int k = 0; ok && k < 7; ++k)
            v[k] = f[k].toDouble(&ok); // QByteArray::toDouble is C-locale, like the writer
        if (!ok)
            throw FormatError(QStringLiteral("metrics.csv line %1 does not parse").arg(i + 1));
        EpochMetrics m;
        m.epoch = int(v[0]);
        m.trainLoss = v[1];
        m.valLoss = v[2];
        m.valPsnrDb = v[3];
        m.valPsnrGlobalDb = v[4];
        m.noisyPsnrDb = v[5];
        m.seconds = v[6];
        history << m;
    }
    return history;
}

QJsonObject RunFiles::recipe(const TrainingConfig &config, const DatasetSplit &data, const QJsonObject &system)
{
    QJsonArray files;
    for (const QString &path : data.files.all())
        files.append(
            QJsonObject{{QStringLiteral("path"), path}, {QStringLiteral("sha256"), DatasetCatalog::sha256(path)}});
    return QJsonObject{
        {QStringLiteral("config"), config.toJson()},
        {QStringLiteral("dataset"),
         QJsonObject{{QStringLiteral("name"), data.name},
                     {QStringLiteral("files"), files},
                     {QStringLiteral("train_images"), data.train.count()},
                     {QStringLiteral("validation_images"), data.validation.count()},
                     {QStringLiteral("test_images"), data.test.count()}}},
        {QStringLiteral("system"), system},
    };
}

} // namespace aestudio
