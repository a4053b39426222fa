// The studio's ways to get data: Download… beside a missing dataset, File → Import images… and File → Datasets….
// Each opens its dialog window-modally and, once data has arrived or gone, reloads the dataset picker and selects
// the new dataset, so Start is enabled with no restart.
#pragma once

#include <QMap>
#include <QObject>
#include <QPointer>
#include <QStringList>

class QAction;
class QWidget;

namespace aestudio {

class ConfigPanel;
class DatasetManagerDialog;
class DownloadDialog;
class ImportDialog;

class DatasetActions : public QObject {
    Q_OBJECT
public:
    DatasetActions(ConfigPanel *config, QWidget *window);

    QAction *manageAction() const { return m_manage; }
    QAction *importAction() const { return m_import; }
    // What `aestudio --mirror URL --checksums FILE` sets: the mirrors and sums every download here uses.
    void setDownloadOverrides(const QStringList &mirrors, const QMap<QString, QByteArray> &md5);

    DownloadDialog *download(const QString &name);
    ImportDialog *importImages();
    DatasetManagerDialog *showManager();

Q_SIGNALS:
    void datasetsChanged();
    void status(const QString &message); // "digits: imported 120, skipped 2 (...)", for the status bar

private:
    ConfigPanel *m_config;
    QWidget *m_window;
    QAction *m_manage;
    QAction *m_import;
    QStringList m_mirrors;
    QMap<QString, QByteArray> m_md5;
    QPointer<DatasetManagerDialog> m_manager;
};

} // namespace aestudio
