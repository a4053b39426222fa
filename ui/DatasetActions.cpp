#include "DatasetActions.h"

#include "ConfigPanel.h"
#include "DatasetManagerDialog.h"
#include "DownloadDialog.h"
#include "ImportDialog.h"

#include <QAction>
#include <QWidget>

namespace aestudio {

DatasetActions::DatasetActions(ConfigPanel *config, QWidget *window)
    : QObject(window), m_config(config), m_window(window), m_manage(new QAction(tr("&Datasets…"), this)),
      m_import(new QAction(tr("&Import images…"), this))
{
    m_manage->setObjectName(QStringLiteral("datasets"));
    m_import->setObjectName(QStringLiteral("importImages"));
    connect(m_manage, &QAction::triggered, this, [this] { showManager(); });
    connect(m_import, &QAction::triggered, this, [this] { importImages(); });
    connect(m_config, &ConfigPanel::downloadRequested, this, [this](const QString &name) { download(name); });
    connect(this, &DatasetActions::datasetsChanged, m_config, &ConfigPanel::refreshDatasets);
}

void DatasetActions::setDownloadOverrides(const QStringList &mirrors, const QMap<QString, QByteArray> &md5)
{
    m_mirrors = mirrors;
    m_md5 = md5;
}

DownloadDialog *DatasetActions::download(const QString &name)
{
    DownloadOptions o;
    o.name = name;
    o.mirrors = m_mirrors;
    o.md5 = m_md5;
    auto *dialog = new DownloadDialog(o, m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &DownloadDialog::finished, this, [this, name](bool ok) {
        if (!ok)
            return;
        Q_EMIT status(tr("%1 downloaded and verified").arg(name));
        m_config->selectDataset(name);
        if (m_manager)
            m_manager->refresh(name);
        Q_EMIT datasetsChanged();
    });
    dialog->open();
    return dialog;
}

ImportDialog *DatasetActions::importImages()
{
    auto *dialog = new ImportDialog(m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ImportDialog::imported, this, [this](const QString &name, const QString &summary) {
        Q_EMIT status(tr("%1: %2").arg(name, summary));
        m_config->selectDataset(name);
        if (m_manager)
            m_manager->refresh(name);
        Q_EMIT datasetsChanged();
    });
    dialog->open();
    return dialog;
}

DatasetManagerDialog *DatasetActions::showManager()
{
    if (!m_manager) {
        m_manager = new DatasetManagerDialog(m_window);
        m_manager->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_manager, &DatasetManagerDialog::downloadRequested, this,
                [this](const QString &name) { download(name); });
        connect(m_manager, &DatasetManagerDialog::datasetsChanged, this, &DatasetActions::datasetsChanged);
    }
    m_manager->show();
    m_manager->raise();
    return m_manager;
}

} // namespace aestudio
