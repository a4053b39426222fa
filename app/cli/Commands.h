// The subcommands of aestudio-cli. Each takes its own arguments (after the subcommand name) and returns the exit
// code; errors escape as StudioError and are printed by main() as one line.
#pragma once

#include <QStringList>

namespace aestudio::cli {

int trainCommand(const QStringList &args);
int evalCommand(const QStringList &args);
int infoCommand(const QStringList &args);
int benchCommand(const QStringList &args);
int sweepCommand(const QStringList &args);
int seedStudyCommand(const QStringList &args);
int robustnessCommand(const QStringList &args);
int downloadCommand(const QStringList &args);
int importCommand(const QStringList &args);
int embedCommand(const QStringList &args);
int sweepCellCommand(const QStringList &args);
int sweepCollectCommand(const QStringList &args);
int sweepStatusCommand(const QStringList &args);
int reportCommand(const QStringList &args);

} // namespace aestudio::cli
