// The files a training run leaves behind (config.json recipe, metrics.csv) in formats shared by the CLI, the GUI's
// export and later sweeps. All writes are atomic and checked (AtomicFile).
#pragma once

#include "DatasetCatalog.h"
#include "TrainingConfig.h"
#include "TrainingTypes.h"

#include <QByteArray>
#include <QJsonObject>

namespace aestudio {

namespace RunFiles {

// epoch,train_loss,val_loss,val_psnr_mean_db,val_psnr_global_db,noisy_psnr_mean_db,seconds (read by position, so
// files written before the _mean_ names read the same); C-locale numbers.
QByteArray metricsCsv(const QVector<EpochMetrics> &history);
// Reads metricsCsv's output back; throws FormatError naming the line when a row does not parse.
QVector<EpochMetrics> parseMetricsCsv(const QByteArray &csv);
// The recipe: every setting, the dataset's files with their SHA-256, and the library versions.
QJsonObject recipe(const TrainingConfig &config, const DatasetSplit &data, const QJsonObject &system);

} // namespace RunFiles
} // namespace aestudio
