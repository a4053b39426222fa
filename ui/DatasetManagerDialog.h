// The dataset manager: every known, downloaded and imported dataset, with where it lives, its train/test counts,
// classes, a 10x10 mosaic of samples and whether its checksums verify. Download, Verify, Remove (downloaded or
// imported only, after a confirmation) and Reveal folder act on the selected one.
#pragma once

#include "BackgroundJob.h"

#include <QDialog>

class QLabel;
class QListWidget;
class QPushButton;

namespace aestudio {

class DatasetManagerDialog : public QDialog {
    Q_OBJECT
public:
    explicit DatasetManagerDialog(QWidget *parent = nullptr);

    void refresh(const QString &select = QString());
    void select(const QString &name);
    QString selectedName() const;
    void verifySelected();
    // Removes without asking (the Remove button asks first).
    void removeSelected();

Q_SIGNALS:
    void downloadRequested(const QString &name);
    void datasetsChanged(); // something was removed; pickers should reload
    void verified(const QString &name, bool ok);

private:
    void showSelected();

    QListWidget *m_list;
    QLabel *m_details;
    QLabel *m_mosaic;
    QLabel *m_verify;
    QPushButton *m_download;
    QPushButton *m_verifyButton;
    QPushButton *m_remove;
    QPushButton *m_reveal;
    BackgroundJob m_job{this};
};

} // namespace aestudio
