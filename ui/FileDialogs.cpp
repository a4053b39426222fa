#include "FileDialogs.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QSettings>

namespace aestudio::FileDialogs {
namespace {

const QString kKey = QStringLiteral("dialogs/lastFolder");

QString remember(const QString &path, bool isFolder)
{
    if (!path.isEmpty())
        QSettings().setValue(kKey, isFolder ? path : QFileInfo(path).absolutePath());
    return path;
}

} // namespace

QString lastFolder()
{
    const QString folder = QSettings().value(kKey).toString();
    return !folder.isEmpty() && QFileInfo(folder).isDir() ? folder : QDir::homePath();
}

QString openFile(QWidget *parent, const QString &caption, const QString &filter, const QString &start)
{
    return remember(QFileDialog::getOpenFileName(parent, caption, start.isEmpty() ? lastFolder() : start, filter),
                    false);
}

QString saveFile(QWidget *parent, const QString &caption, const QString &name, const QString &filter,
                 const QString &start)
{
    const QDir in(start.isEmpty() ? lastFolder() : start);
    return remember(QFileDialog::getSaveFileName(parent, caption, in.filePath(name), filter), false);
}

QString folder(QWidget *parent, const QString &caption, const QString &start)
{
    return remember(QFileDialog::getExistingDirectory(parent, caption, start.isEmpty() ? lastFolder() : start), true);
}

} // namespace aestudio::FileDialogs
