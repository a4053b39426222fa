#include "DatasetManagerDialog.h"

#include "ErrorText.h"

#include "DatasetCatalog.h"
#include "DatasetSources.h"
#include "DatasetStore.h"
#include "Errors.h"

#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPixmap>
#include <QPushButton>
#include <QUrl>
#include <QVBoxLayout>

namespace aestudio {

DatasetManagerDialog::DatasetManagerDialog(QWidget *parent)
    : QDialog(parent), m_list(new QListWidget), m_details(new QLabel), m_mosaic(new QLabel), m_verify(new QLabel),
      m_download(new QPushButton(tr("Download…"))), m_verifyButton(new QPushButton(tr("Verify"))),
      m_remove(new QPushButton(tr("Remove…"))), m_reveal(new QPushButton(tr("Reveal folder")))
{
    setWindowTitle(tr("Datasets"));
    setObjectName(QStringLiteral("datasetManager"));
    m_list->setObjectName(QStringLiteral("datasetList"));
    m_list->setMaximumWidth(220);
    m_details->setObjectName(QStringLiteral("datasetDetails"));
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_details->setMinimumWidth(300);
    m_mosaic->setObjectName(QStringLiteral("datasetMosaic"));
    m_mosaic->setFixedSize(280, 280);
    m_mosaic->setAlignment(Qt::AlignCenter);
    m_mosaic->setFrameShape(QFrame::StyledPanel);
    m_verify->setObjectName(QStringLiteral("datasetVerify"));
    m_verify->setWordWrap(true);
    m_verify->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_download->setObjectName(QStringLiteral("datasetDownload"));
    m_verifyButton->setObjectName(QStringLiteral("datasetVerifyButton"));
    m_remove->setObjectName(QStringLiteral("datasetRemove"));

    auto *info = new QVBoxLayout;
    info->addWidget(m_details);
    info->addWidget(m_verify);
    info->addStretch(1);
    auto *body = new QHBoxLayout;
    body->addWidget(m_list);
    body->addLayout(info, 1);
    body->addWidget(m_mosaic, 0, Qt::AlignTop);
    auto *buttons = new QHBoxLayout;
    for (QPushButton *b : {m_download, m_verifyButton, m_remove, m_reveal})
        buttons->addWidget(b);
    buttons->addStretch(1);
    auto *close = new QDialogButtonBox(QDialogButtonBox::Close);
    buttons->addWidget(close);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(body, 1);
    layout->addLayout(buttons);
    resize(900, 380);

    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_list, &QListWidget::currentRowChanged, this, &DatasetManagerDialog::showSelected);
    connect(m_download, &QPushButton::clicked, this, [this] { Q_EMIT downloadRequested(selectedName()); });
    connect(m_verifyButton, &QPushButton::clicked, this, &DatasetManagerDialog::verifySelected);
    connect(m_reveal, &QPushButton::clicked, this, [this] {
        const DatasetSummary s = DatasetStore::summarize(selectedName());
        QDesktopServices::openUrl(QUrl::fromLocalFile(s.directory));
    });
    connect(m_remove, &QPushButton::clicked, this, [this] {
        const DatasetSummary s = DatasetStore::summarize(selectedName());
        const QString what = s.kind == QLatin1String("linked")
            ? tr("Forget the registration of “%1”? Its files in %2 stay where they are.").arg(s.name, s.directory)
            : tr("Delete “%1” and its files in %2?").arg(s.name, s.storeFolder);
        if (QMessageBox::question(this, tr("Remove dataset"), what) == QMessageBox::Yes)
            removeSelected();
    });
    refresh();
}

void DatasetManagerDialog::refresh(const QString &selectName)
{
    const QString keep = selectName.isEmpty() ? selectedName() : selectName;
    m_list->clear();
    for (const QString &name : DatasetCatalog::availableNames()) {
        const bool found = DatasetCatalog::locate(name).found();
        auto *item = new QListWidgetItem(QStringLiteral("%1 %2").arg(found ? QStringLiteral("✔") : QStringLiteral("✘"),
                                                                     DatasetSources::titleOf(name)));
        item->setData(Qt::UserRole, name);
        m_list->addItem(item);
    }
    select(keep.isEmpty() ? DatasetCatalog::availableNames().value(0) : keep);
}

void DatasetManagerDialog::select(const QString &name)
{
    for (int i = 0; i < m_list->count(); ++i)
        if (m_list->item(i)->data(Qt::UserRole).toString() == name)
            m_list->setCurrentRow(i);
    if (m_list->currentRow() < 0 && m_list->count() > 0)
        m_list->setCurrentRow(0);
}

QString DatasetManagerDialog::selectedName() const
{
    const QListWidgetItem *item = m_list->currentItem();
    return item ? item->data(Qt::UserRole).toString() : QString();
}

void DatasetManagerDialog::showSelected()
{
    m_job.cancel();
    m_verify->clear();
    const QString name = selectedName();
    if (name.isEmpty())
        return;
    const DatasetSummary s = DatasetStore::summarize(name);
    QString html = QStringLiteral("<h3>%1</h3><table>").arg(s.title.toHtmlEscaped());
    auto row = [&html](const QString &key, const QString &value) {
        html += QStringLiteral("<tr><td><b>%1</b>&nbsp;</td><td>%2</td></tr>").arg(key, value);
    };
    row(tr("Name"), s.name.toHtmlEscaped());
    row(tr("State"), s.kind.toHtmlEscaped());
    row(tr("Where"), s.directory.isEmpty() ? tr("not on this machine") : s.directory.toHtmlEscaped());
    if (!s.directory.isEmpty())
        row(tr("Images"), tr("%1 train, %2 test").arg(s.trainCount).arg(s.testCount));
    row(tr("Classes"),
        s.classes.isEmpty()
            ? tr("none (every label 0)")
            : QStringLiteral("%1: %2").arg(s.classes.size()).arg(s.classes.join(QStringLiteral(", ")).toHtmlEscaped()));
    if (!s.problem.isEmpty())
        row(tr("Problem"), QStringLiteral("<span style='color:#c0392b'>%1</span>").arg(s.problem.toHtmlEscaped()));
    html += QStringLiteral("</table>");
    m_details->setText(html);
    const QImage mosaic = s.directory.isEmpty() ? QImage() : DatasetStore::mosaic(s.directory);
    if (mosaic.isNull()) {
        m_mosaic->setPixmap(QPixmap());
        m_mosaic->setText(s.directory.isEmpty() ? tr("Not downloaded yet") : tr("No images to show"));
    } else {
        m_mosaic->setPixmap(QPixmap::fromImage(mosaic));
    }
    m_download->setEnabled(DatasetSources::find(name) && s.directory.isEmpty());
    m_verifyButton->setEnabled(!s.directory.isEmpty());
    m_remove->setEnabled(s.removable());
    m_remove->setToolTip(s.removable() ? QString()
                                       : tr("Only datasets the studio downloaded or imported can be removed here"));
    m_reveal->setEnabled(!s.directory.isEmpty());
    setErrorText(m_verify, false);
    m_verify->setText(s.directory.isEmpty() ? QString()
                                            : tr("Checksums: %1. Verify checks them now.").arg(s.checksums));
}

void DatasetManagerDialog::verifySelected()
{
    const QString name = selectedName();
    if (name.isEmpty())
        return;
    m_verify->setText(tr("Checksums: verifying…"));
    m_job.start([name](const std::function<bool()> &) { return DatasetStore::verify(name); },
                [this, name](const VerifyReport &r) {
                    m_verify->setText((r.ok ? tr("Checksums: ✔ verified") : tr("Checksums: ✘ not verified"))
                                      + QStringLiteral("\n") + r.lines.join(QLatin1Char('\n')));
                    setErrorText(m_verify, !r.ok);
                    Q_EMIT verified(name, r.ok);
                },
                [this](const QString &message) { m_verify->setText(message); });
}

void DatasetManagerDialog::removeSelected()
{
    const QString name = selectedName();
    try {
        DatasetStore::remove(name);
    } catch (const StudioError &e) {
        QMessageBox::warning(this, tr("Remove dataset"), e.message());
        return;
    }
    refresh(name);
    Q_EMIT datasetsChanged();
}

} // namespace aestudio
