// File → Export report…: the current run folder as one PDF (page size from the locale: Letter in the US, else A4)
// or one self-contained HTML page, by the chosen file's suffix; the same document as `aestudio-cli report`. Built
// on the thread pool (it re-evaluates the checkpoints on the validation set), the status line says when it is done.
#pragma once

#include "BackgroundJob.h"

#include <QObject>

#include <functional>

class QAction;
class QWidget;

namespace aestudio {

class ReportActions : public QObject {
    Q_OBJECT
public:
    ReportActions(std::function<QString()> runFolder, QWidget *window);

    QAction *exportAction() const { return m_export; }
    void setAvailable(bool available); // a run folder with a finished epoch is open
    // Writes the report of the current run folder to `path` in the background; status() or problem() follows.
    void exportTo(const QString &path);
    bool busy() const { return m_busy; }

Q_SIGNALS:
    void status(const QString &message);
    void problem(const QString &message);
    void written(const QString &path);

private:
    std::function<QString()> m_runFolder;
    QWidget *m_window;
    QAction *m_export;
    bool m_busy = false;
    bool m_available = false;
    BackgroundJob m_job{this};
};

} // namespace aestudio
