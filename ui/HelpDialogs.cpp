#include "HelpDialogs.h"

#include "SystemInfo.h"

#include <QAction>
#include <QMessageBox>

namespace aestudio::HelpDialogs {

void showAbout(QWidget *parent)
{
    const SystemInfo s = SystemInfo::collect();
    QMessageBox::about(parent, QObject::tr("About Autoencoder Studio"),
                       QObject::tr("<h3>Autoencoder Studio %1</h3><p>Train dense and denoising autoencoders on MNIST, "
                                   "Fashion-MNIST and your own images, and watch them learn.</p><p>LibTorch %2<br>Qt "
                                   "%3<br>BLAS: %4<br>Devices: %5</p>")
                           .arg(s.studioVersion, s.torchVersion, s.qtVersion, s.blasLibrary.toHtmlEscaped(),
                                s.devices.join(QStringLiteral(", "))));
}

void showShortcuts(QWidget *parent, const QList<QAction *> &actions)
{
    QString rows;
    auto row = [&rows](const QString &keys, const QString &what) {
        rows += QStringLiteral("<tr><td><b>%1</b>&nbsp;&nbsp;</td><td>%2</td></tr>").arg(keys.toHtmlEscaped(), what);
    };
    for (const QAction *a : actions)
        if (!a->shortcut().isEmpty())
            row(a->shortcut().toString(QKeySequence::NativeText), a->text().remove(QLatin1Char('&')).toHtmlEscaped());
    row(QObject::tr("Enter"), QObject::tr("open the selected run (Runs and Experiments tables)"));
    auto *box = new QMessageBox(QMessageBox::Information, QObject::tr("Keyboard shortcuts"),
                                QStringLiteral("<table>%1</table>").arg(rows), QMessageBox::Close, parent);
    box->setObjectName(QStringLiteral("shortcutsDialog"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

} // namespace aestudio::HelpDialogs
