// Typed errors thrown by the engine. Every message names the file or value at fault, so the CLI can print it
// as one line and the GUI can show it in a dialog without further context.
#pragma once

#include <new>
#include <stdexcept>
#include <string>

#include <QString>

namespace aestudio {

class StudioError : public std::runtime_error {
public:
    // Control characters (from a stranger's file names or bytes quoted in the message) are escaped as \xNN, so an
    // error is always one printable line in a terminal or a dialog.
    explicit StudioError(const QString &message) : std::runtime_error(escapeControl(message).toStdString()) { }
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

class DatasetError : public StudioError {
    using StudioError::StudioError;
};
class CheckpointError : public StudioError {
    using StudioError::StudioError;
};
class ConfigError : public StudioError {
    using StudioError::StudioError;
};
class TrainingError : public StudioError {
    using StudioError::StudioError;
};
// A file could not be written completely (disk full, permissions, I/O error); nothing was left at its final path.
// A file's bytes do not follow its format (used below the checkpoint and dataset layers, which add the path).
class FormatError : public StudioError {
    using StudioError::StudioError;
};
class WriteError : public StudioError {
    using StudioError::StudioError;
};

// The one line a user sees for any exception: the first line only (libtorch appends a C++ backtrace to c10::Error),
// control characters escaped, and a plain sentence for an allocation failure instead of "std::bad_alloc".
inline QString describeError(const std::exception &e)
{
    if (dynamic_cast<const std::bad_alloc *>(&e))
        return QStringLiteral("out of memory: the data or model does not fit in this machine's memory "
                              "(try a smaller --limit, batch or model)");
    QString text = QString::fromUtf8(e.what());
    const int newline = text.indexOf(QLatin1Char('\n'));
    if (newline >= 0)
        text.truncate(newline);
    return StudioError::escapeControl(text.trimmed());
}

} // namespace aestudio
