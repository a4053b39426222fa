// Strict parsing of command-line values: a bad number is an error naming the option, never a silent default.
#pragma once

#include "TrainingConfig.h"

#include <QCommandLineParser>

namespace aestudio::cli {

int intOption(const QCommandLineParser &p, const QString &name);
double doubleOption(const QCommandLineParser &p, const QString &name);
std::uint64_t seedOption(const QCommandLineParser &p, const QString &name);

// The options `train` shares with other commands that build a config.
QList<QCommandLineOption> trainingOptions();
// Starts from `base` and overrides whatever the user set explicitly.
TrainingConfig applyTrainingOptions(const QCommandLineParser &p, TrainingConfig base);
NoiseSpec noiseOptions(const QCommandLineParser &p, NoiseSpec base);

} // namespace aestudio::cli
