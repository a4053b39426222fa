#include "DownloadDialog.h"

#include "ErrorText.h"

#include "DatasetSources.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace aestudio {

DownloadDialog::DownloadDialog(const DownloadOptions &options, QWidget *parent)
    : QDialog(parent), m_download(std::make_unique<DatasetDownload>(options)), m_detail(new QLabel),
      m_bar(new QProgressBar), m_log(new QPlainTextEdit), m_error(new QLabel),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Cancel))
{
    setWindowTitle(tr("Download %1").arg(DatasetSources::titleOf(options.name)));
    setObjectName(QStringLiteral("downloadDialog"));
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("Fetching the four files of %1 and checking each one's MD5 before it is kept.")
                                 .arg(DatasetSources::titleOf(options.name)));
    intro->setWordWrap(true);
    layout->addWidget(intro);
    m_bar->setRange(0, 4000); // four files, each 0..1000
    m_bar->setTextVisible(true);
    m_bar->setFormat(tr("file 1 of 4"));
    layout->addWidget(m_bar);
    m_detail->setObjectName(QStringLiteral("downloadDetail"));
    m_detail->setText(tr("Connecting…"));
    layout->addWidget(m_detail);
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(200);
    m_log->setMinimumHeight(110);
    layout->addWidget(m_log);
    m_error->setObjectName(QStringLiteral("downloadError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    setErrorText(m_error, true);
    m_error->hide();
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &DownloadDialog::reject);
    resize(620, 320);

    m_download->onProgress = [this](const DownloadProgress &p) { showProgress(p); };
    m_download->onMessage = [this](const QString &m) { m_log->appendPlainText(m); };
    m_download->onFinished = [this](const DownloadResult &r) {
        // Handled after the downloader has returned: the dialog may be closed (and deleted) in response.
        QMetaObject::invokeMethod(
            this, [this, r] { showResult(r); }, Qt::QueuedConnection);
    };
    m_download->start();
}

DownloadDialog::~DownloadDialog() = default;

void DownloadDialog::cancelDownload()
{
    m_download->cancel();
}

void DownloadDialog::reject()
{
    if (m_download->isRunning()) {
        m_detail->setText(tr("Cancelling…"));
        m_download->cancel(); // showResult() closes the dialog once the transfer has stopped
        return;
    }
    QDialog::reject();
}

void DownloadDialog::showProgress(const DownloadProgress &p)
{
    const int withinFile = p.fileTotal > 0 ? int(1000 * p.fileBytes / p.fileTotal) : 0;
    m_bar->setValue(p.fileIndex * 1000 + std::clamp(withinFile, 0, 1000));
    m_bar->setFormat(tr("file %1 of %2").arg(p.fileIndex + 1).arg(p.fileCount));
    m_detail->setText(p.text() + tr("  — from %1").arg(p.mirror));
}

void DownloadDialog::showResult(const DownloadResult &r)
{
    m_result = r;
    if (r.ok) {
        m_bar->setValue(m_bar->maximum());
        Q_EMIT finished(true);
        accept();
        return;
    }
    Q_EMIT finished(false);
    if (r.cancelled) {
        QDialog::reject();
        return;
    }
    // Files that arrived whole and passed their checksum stay for the next try; a partial one never does.
    m_detail->setText(tr("The download failed. Files already verified are kept for the next try; nothing partial "
                         "was kept."));
    m_error->setText(r.error);
    m_error->show();
    m_buttons->setStandardButtons(QDialogButtonBox::Close);
}

} // namespace aestudio
