// Typed errors thrown by the engine. Every message names the file or value at fault, so the CLI can print it
// as one line and the GUI can show it in a dialog without further context.
#pragma once

#include <stdexcept>
#include <string>

#include <QString>

namespace aestudio {

class StudioError : public std::runtime_error {
public:
    // Control characters (from a stranger's file names or bytes quoted in the message) are escaped as \xNN, so an
    // error is always one printable line in a terminal or a dialog.
    explicit StudioError(const QString &message) : std::runtime_error(escapeControl(message).toStdString()) {}
    QString message() const { return QString::fromStdString(what()); }

    static QString escapeControl(const QString &text)
    {
        QString out;
        out.reserve(text.size());
        for (QChar c : text) {
            if (c.unicode() < 0x20 || c.unicode() == 0x7f)
                out += QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
            else
                out += c;
        }
        return out;
    }
};

class DatasetError : public StudioError { using StudioError::StudioError; };
class CheckpointError : public StudioError { using StudioError::StudioError; };
class ConfigError : public StudioError { using StudioError::StudioError; };
class TrainingError : public StudioError { using StudioError::StudioError; };
// A file could not be written completely (disk full, permissions, I/O error); nothing was left at its final path.
// A file's bytes do not follow its format (used below the checkpoint and dataset layers, which add the path).
class FormatError : public StudioError { using StudioError::StudioError; };
class WriteError : public StudioError { using StudioError::StudioError; };

} // namespace aestudio
