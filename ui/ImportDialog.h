// File → Import images…: the form of `aestudio-cli import` (images folder, name, invert, test fraction), run off
// the GUI thread with a progress bar and Cancel. Emits imported() and closes once the dataset is in the store; an
// error stays in the dialog.
#pragma once

#include "BackgroundJob.h"

#include <QDialog>
#include <QTimer>

#include <atomic>
#include <memory>

class QCheckBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;

namespace aestudio {

class ImportDialog : public QDialog {
    Q_OBJECT
public:
    explicit ImportDialog(QWidget *parent = nullptr);

    void setImagesFolder(const QString &folder);
    void setName(const QString &name);
    void startImport();     // what the Import button does
    void reject() override; // Cancel: stops a running import first

Q_SIGNALS:
    void imported(const QString &name, const QString &summary); // just before the dialog closes

private:
    void finishImport(const QString &summary, const QString &name);
    void failImport(const QString &message);
    void setRunning(bool running);

    QLineEdit *m_folder;
    QLineEdit *m_name;
    QCheckBox *m_invert;
    QDoubleSpinBox *m_testFraction;
    QProgressBar *m_bar;
    QLabel *m_message;
    QDialogButtonBox *m_buttons;
    BackgroundJob m_job{this};
    std::shared_ptr<std::atomic<bool>> m_stop = std::make_shared<std::atomic<bool>>(false);
    std::shared_ptr<std::atomic<int>> m_done = std::make_shared<std::atomic<int>>(0);
    std::shared_ptr<std::atomic<int>> m_total = std::make_shared<std::atomic<int>>(0);
    QTimer m_poll;
    bool m_running = false;
};

} // namespace aestudio
