// The studio's download of a known dataset: a progress bar with bytes, rate and ETA, the mirror log, and Cancel.
// Cancel (or closing the dialog) aborts the transfer; nothing partial is ever written. On failure the dialog stays
// open with the one-line reason (every mirror and why) until the user closes it.
#pragma once

#include "DatasetDownload.h"

#include <QDialog>

#include <memory>

class QDialogButtonBox;
class QLabel;
class QPlainTextEdit;
class QProgressBar;

namespace aestudio {

class DownloadDialog : public QDialog {
    Q_OBJECT
public:
    DownloadDialog(const DownloadOptions &options, QWidget *parent = nullptr);
    ~DownloadDialog() override;

    const DownloadResult &result() const { return m_result; }
    void cancelDownload();
    void reject() override; // Cancel, Esc and the window's close button: cancel the transfer first

Q_SIGNALS:
    void finished(bool ok);

private:
    void showProgress(const DownloadProgress &p);
    void showResult(const DownloadResult &r);

    std::unique_ptr<DatasetDownload> m_download;
    DownloadResult m_result;
    QLabel *m_detail;
    QProgressBar *m_bar;
    QPlainTextEdit *m_log;
    QLabel *m_error;
    QDialogButtonBox *m_buttons;
};

} // namespace aestudio
