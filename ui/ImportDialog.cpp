#include "ImportDialog.h"
#include "FileDialogs.h"

#include "ErrorText.h"

#include "DatasetStore.h"
#include "ImageImport.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QRegularExpression>
#include <QPushButton>
#include <QVBoxLayout>

namespace aestudio {

ImportDialog::ImportDialog(QWidget *parent)
    : QDialog(parent), m_folder(new QLineEdit), m_name(new QLineEdit), m_invert(new QCheckBox),
      m_testFraction(new QDoubleSpinBox), m_bar(new QProgressBar), m_message(new QLabel),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Cancel))
{
    setWindowTitle(tr("Import images"));
    setObjectName(QStringLiteral("importDialog"));
    auto *layout = new QVBoxLayout(this);
    auto *intro
        = new QLabel(tr("A folder of PNG, JPEG or BMP images becomes a dataset: with one sub-folder per class, "
                        "the folder names become the labels. Each image is made grayscale, fitted into 28×28 "
                        "and centred. A folder that already holds the four IDX files is registered where it is."));
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto *form = new QFormLayout;
    auto *folderRow = new QHBoxLayout;
    auto *browse = new QPushButton(tr("Browse…"));
    m_folder->setObjectName(QStringLiteral("importFolder"));
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(browse);
    form->addRow(tr("Images folder"), folderRow);
    m_name->setObjectName(QStringLiteral("importName"));
    m_name->setPlaceholderText(tr("lower-case letters, digits, '-', '_', '.'"));
    form->addRow(tr("Dataset name"), m_name);
    m_invert->setText(tr("Dark ink on a light background (invert)"));
    form->addRow(QString(), m_invert);
    m_testFraction->setRange(0.05, 0.5);
    m_testFraction->setSingleStep(0.05);
    m_testFraction->setValue(0.2);
    form->addRow(tr("Test fraction"), m_testFraction);
    layout->addLayout(form);
    m_bar->setRange(0, 1);
    m_bar->setValue(0);
    layout->addWidget(m_bar);
    m_message->setObjectName(QStringLiteral("importMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_message);
    QPushButton *import = m_buttons->addButton(tr("Import"), QDialogButtonBox::AcceptRole);
    import->setObjectName(QStringLiteral("importButton"));
    layout->addWidget(m_buttons);
    resize(560, 300);
    // The worker only counts; the bar follows the count from here, so nothing crosses threads but two integers.
    m_poll.setInterval(100);
    connect(&m_poll, &QTimer::timeout, this, [this] {
        if (m_total->load() > 0) {
            m_bar->setRange(0, m_total->load());
            m_bar->setValue(m_done->load());
            m_message->setText(tr("Reading images: %1 of %2").arg(m_done->load()).arg(m_total->load()));
        }
    });

    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = FileDialogs::folder(this, tr("Folder of images"), m_folder->text());
        if (!dir.isEmpty())
            setImagesFolder(dir);
    });
    connect(m_buttons, &QDialogButtonBox::accepted, this, &ImportDialog::startImport);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &ImportDialog::reject);
    auto validate = [this, import] {
        import->setEnabled(!m_running && !m_folder->text().isEmpty() && DatasetStore::isValidName(m_name->text()));
    };
    connect(m_folder, &QLineEdit::textChanged, this, validate);
    connect(m_name, &QLineEdit::textChanged, this, validate);
    validate();
}

void ImportDialog::setImagesFolder(const QString &folder)
{
    m_folder->setText(folder);
    if (m_name->text().isEmpty()) {
        // A name suggested from the folder, made valid.
        QString name = QFileInfo(folder).fileName().toLower();
        name.replace(QRegularExpression(QStringLiteral("[^a-z0-9._-]+")), QStringLiteral("-"));
        name.remove(QRegularExpression(QStringLiteral("^[^a-z0-9]+")));
        m_name->setText(name.left(64));
    }
}

void ImportDialog::setName(const QString &name)
{
    m_name->setText(name);
}

void ImportDialog::setRunning(bool running)
{
    m_running = running;
    for (QWidget *w : {static_cast<QWidget *>(m_folder), static_cast<QWidget *>(m_name),
                       static_cast<QWidget *>(m_invert), static_cast<QWidget *>(m_testFraction)})
        w->setEnabled(!running);
    for (QAbstractButton *b : m_buttons->buttons())
        if (m_buttons->buttonRole(b) == QDialogButtonBox::AcceptRole)
            b->setEnabled(!running);
}

void ImportDialog::startImport()
{
    if (m_running)
        return;
    ImportOptions o;
    o.imagesDir = m_folder->text();
    o.name = m_name->text();
    o.invert = m_invert->isChecked();
    o.testFraction = m_testFraction->value();
    m_stop->store(false);
    setRunning(true);
    setErrorText(m_message, false);
    m_message->setText(tr("Reading images…"));
    m_bar->setRange(0, 0); // busy until the first count arrives
    m_done->store(0);
    m_total->store(0);
    m_poll.start();
    auto stop = m_stop;
    auto done = m_done;
    auto total = m_total;
    m_job.start(
        [o, stop, done, total](const std::function<bool()> &stale) {
            const ImportResult r = ImageImport::run(
                o,
                [done, total](int d, int t) {
                    total->store(t);
                    done->store(d);
                },
                [stop, stale] { return stop->load() || stale(); });
            return std::make_pair(r.summary(), o.name);
        },
        [this](const std::pair<QString, QString> &r) { finishImport(r.first, r.second); },
        [this](const QString &message) { failImport(message); });
}

void ImportDialog::finishImport(const QString &summary, const QString &name)
{
    setRunning(false);
    m_poll.stop();
    m_message->setText(summary);
    Q_EMIT imported(name, summary);
    accept();
}

void ImportDialog::failImport(const QString &message)
{
    setRunning(false);
    m_poll.stop();
    m_bar->setRange(0, 1);
    m_bar->setValue(0);
    setErrorText(m_message, true);
    m_message->setText(message);
}

void ImportDialog::reject()
{
    if (m_running) {
        m_stop->store(true); // the import throws "stopped"; failImport() shows it and the dialog stays
        return;
    }
    QDialog::reject();
}

} // namespace aestudio
