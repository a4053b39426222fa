// Runs aestudio-cli (AESTUDIO_CLI_PATH) as a user would and returns its exit code and output.
#pragma once

#include <QProcess>
#include <QProcessEnvironment>
#include <QStringList>

namespace aestudio::testing {

struct CliResult {
    int code = -1; // -1: timed out (killed); -2: crashed
    QString out, err;
};

inline CliResult runCli(const QString &program, const QStringList &args, int timeoutMs = 120000,
                        const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(program, args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return {-1, QString::fromUtf8(p.readAllStandardOutput()), QStringLiteral("timed out")};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

} // namespace aestudio::testing
