#include "ReportActions.h"

#include "FileDialogs.h"
#include "RunReport.h"
#include "SystemInfo.h"

#include <QAction>
#include <QWidget>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QLocale>

namespace aestudio {

ReportActions::ReportActions(std::function<QString()> runFolder, QWidget *window)
    : QObject(window), m_runFolder(std::move(runFolder)), m_window(window),
      m_export(new QAction(tr("Export &report…"), this))
{
    m_export->setObjectName(QStringLiteral("exportReport"));
    m_export->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    setAvailable(false);
    connect(m_export, &QAction::triggered, this, [this] {
        const QString folder = m_runFolder();
        QString path = FileDialogs::saveFile(m_window, tr("Export report"),
                                             QDir(folder).dirName() + QStringLiteral("-report.pdf"),
                                             tr("PDF document (*.pdf);;Web page, self-contained (*.html)"));
        if (path.isEmpty())
            return;
        const QString suffix = QFileInfo(path).suffix().toLower();
        if (suffix != QLatin1String("pdf") && suffix != QLatin1String("html") && suffix != QLatin1String("htm"))
            path += QStringLiteral(".pdf");
        exportTo(path);
    });
}

void ReportActions::setAvailable(bool available)
{
    m_available = available;
    m_export->setEnabled(available && !m_busy);
    m_export->setToolTip(available ? tr("One PDF or HTML document of this run: settings, charts, grids at the best "
                                        "and final epochs, robustness, worst images, PSNR per class")
                                   : tr("Nothing to report yet: train at least one epoch or open a run first"));
}

void ReportActions::exportTo(const QString &path)
{
    const QString folder = m_runFolder();
    if (folder.isEmpty()) {
        Q_EMIT problem(tr("There is no run to report on yet."));
        return;
    }
    if (m_busy) {
        Q_EMIT status(tr("A report is being written; wait for it to finish."));
        return;
    }
    const QPageSize::PageSizeId page
        = QLocale().measurementSystem() == QLocale::ImperialUSSystem ? QPageSize::Letter : QPageSize::A4;
    m_busy = true;
    setAvailable(m_available);
    Q_EMIT status(tr("Writing the report of %1…").arg(QDir(folder).dirName()));
    m_job.start(
        [folder, path, page](const std::function<bool()> &) {
            SystemInfo::setThreadsForCallingThread(1);
            QElapsedTimer timer;
            timer.start();
            RunReport::fromFolder(folder).write(path, page);
            return timer.elapsed();
        },
        [this, path](qint64 ms) {
            m_busy = false;
            setAvailable(m_available);
            Q_EMIT status(tr("Report written to %1 (%2 s)").arg(path, QString::number(ms / 1000.0, 'f', 1)));
            Q_EMIT written(path);
        },
        [this](const QString &message) {
            m_busy = false;
            setAvailable(m_available);
            Q_EMIT problem(tr("The report could not be written: %1").arg(message));
        });
}

} // namespace aestudio
