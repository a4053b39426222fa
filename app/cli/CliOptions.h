// Strict parsing of command-line values: a bad number is an error naming the option, never a silent default.
#pragma once

#include "TrainingConfig.h"

#include <QCommandLineParser>

namespace aestudio::cli {

// QCommandLineParser::process() exits 1 on a usage error; this throws ConfigError (exit 2, one line) instead, and
// prints the help (exit 0) for --help.
void parseArguments(QCommandLineParser &p, const QStringList &args);
// --threads N: more threads than the hardware has only slows training down (1000 made a run 11x slower), so a
// larger value is clamped, with a note on stderr. 0 means one per hardware thread.
int threadsOption(const QCommandLineParser &p, const QString &name);

int intOption(const QCommandLineParser &p, const QString &name);
// Runs at once: "auto" (0: the sweep measures which layout is faster, see JobLayout) or a count of 1 or more.
int jobsOption(const QCommandLineParser &p, const QString &name);
double doubleOption(const QCommandLineParser &p, const QString &name);
std::uint64_t seedOption(const QCommandLineParser &p, const QString &name);
// The file an option names for output, checked before any work: its folder must exist, or the command would
// compute for minutes and only then fail to write.
QString outputFileOption(const QCommandLineParser &p, const QString &name);
// The same, for an image: also refuses a suffix no image writer here knows (before any work is done).
QString imageFileOption(const QCommandLineParser &p, const QString &name);

// The options `train` shares with other commands that build a config.
QList<QCommandLineOption> trainingOptions();
// Starts from `base` and overrides whatever the user set explicitly.
TrainingConfig applyTrainingOptions(const QCommandLineParser &p, TrainingConfig base);
NoiseSpec noiseOptions(const QCommandLineParser &p, NoiseSpec base);

} // namespace aestudio::cli
