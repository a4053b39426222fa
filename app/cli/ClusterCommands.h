// The sweep command's Slurm half (its options and the submission), shared with ExperimentCommands.cpp.
#pragma once

class QCommandLineParser;

namespace aestudio {
class Sweep;
}

namespace aestudio::cli {

void addSlurmOptions(QCommandLineParser &p);
// Writes the plan and the scripts for `sweep`, and submits them unless --dry-run. Returns the exit code.
int submitToSlurm(const QCommandLineParser &p, Sweep &sweep);

} // namespace aestudio::cli
