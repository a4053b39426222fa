// The studio's file dialogs: each starts in the folder the user last chose in any of them (kept in QSettings
// across restarts), and remembers the new choice.
#pragma once

#include <QString>

class QWidget;

namespace aestudio::FileDialogs {

QString lastFolder(); // the home folder until something was chosen
// `start`, when given, replaces the last folder as the starting point.
QString openFile(QWidget *parent, const QString &caption, const QString &filter, const QString &start = QString());
// `name` is the suggested file name, placed in the last folder (or in `start`).
QString saveFile(QWidget *parent, const QString &caption, const QString &name, const QString &filter,
                 const QString &start = QString());
// `start` overrides the last folder as the starting point when given.
QString folder(QWidget *parent, const QString &caption, const QString &start = QString());

} // namespace aestudio::FileDialogs
