#include "RunsPanel.h"

#include "EnterKey.h"
#include "FileDialogs.h"

#include "RunDirectory.h"

#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFile>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QToolBar>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTreeView>
#include <QUrl>
#include <QVBoxLayout>

namespace aestudio {
namespace {

constexpr int kPathRole = Qt::UserRole;
constexpr int kSortRole = Qt::UserRole + 1;
// Bursts of file events (a run writes five files per epoch) become one rescan.
constexpr int kRescanDelayMs = 400;

QStandardItem *cell(const QString &text, const QVariant &sortKey)
{
    auto *item = new QStandardItem(text);
    item->setEditable(false);
    item->setData(sortKey, kSortRole);
    return item;
}

// QFile::moveToTrash, made safe: Qt 6.4 reports success and moves the folder to "./files/" under the working
// directory when it cannot set up $XDG_DATA_HOME/Trash (seen here when ~/.local/share did not exist). So the trash's
// parent is created first, and a folder that landed anywhere but in a trash is moved back. Returns the problem, or
// an empty string.
QString moveToTrash(const QString &path)
{
    QString dataHome = qEnvironmentVariable("XDG_DATA_HOME");
    if (dataHome.isEmpty())
        dataHome = QDir::home().filePath(QStringLiteral(".local/share"));
    QDir().mkpath(dataHome);
    QDir().mkpath(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)); // differs in test mode
    QString inTrash;
    if (!QFile::moveToTrash(path, &inTrash))
        return QObject::tr("%1: could not be moved to the trash; delete the folder by hand").arg(path);
    const QFileInfo landed(inTrash);
    if (landed.isAbsolute() && landed.absolutePath().contains(QLatin1String("Trash")))
        return {};
    QDir().rename(landed.absoluteFilePath(), path);
    return QObject::tr("%1: this system has no usable trash; delete the folder by hand").arg(path);
}

QList<QStandardItem *> rowFor(const RunRecord &r)
{
    const EpochMetrics *best = r.bestEpoch();
    QList<QStandardItem *> row;
    row << cell(r.name, r.name.toLower());
    row << cell(r.started.toString(QStringLiteral("yyyy-MM-dd HH:mm")), r.started);
    row << cell(r.datasetName, r.datasetName);
    row << cell(r.readable() ? r.architecture() : QString(), r.config.model.latent);
    row << cell(best ? QString::number(best->valLoss, 'f', 5) : QString(), best ? best->valLoss : 1e9);
    row << cell(best ? QString::number(best->valPsnrGlobalDb, 'f', 2) : QString(), best ? best->valPsnrGlobalDb : -1e9);
    row << cell(QStringLiteral("%1/%2").arg(r.epochsDone()).arg(r.config.epochs), r.epochsDone());
    QString status = RunRecord::statusName(r.status);
    if (!r.readable())
        status = QObject::tr("unreadable");
    row << cell(status, status);
    QString tip = r.path;
    if (!r.note.isEmpty())
        tip += QStringLiteral("\n\n") + r.note;
    if (!r.error.isEmpty())
        tip += QStringLiteral("\n\n") + r.error;
    if (!r.readable())
        tip += QStringLiteral("\n\n") + r.problem;
    for (QStandardItem *item : row) {
        item->setData(r.path, kPathRole);
        item->setToolTip(tip);
    }
    return row;
}

} // namespace

RunsPanel::RunsPanel(QWidget *parent)
    : QWidget(parent), m_model(new QStandardItemModel(0, ColumnCount, this)), m_proxy(new QSortFilterProxyModel(this)),
      m_view(new QTreeView), m_filter(new QLineEdit), m_empty(new QLabel)
{
    m_model->setHorizontalHeaderLabels({tr("Name"), tr("Started"), tr("Dataset"), tr("Model"), tr("Best val loss"),
                                        tr("Val PSNR, global (dB)"), tr("Epochs"), tr("Status")});
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(kSortRole);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_view->setModel(m_proxy);
    m_view->setRootIsDecorated(false);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(Started, Qt::DescendingOrder);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->header()->setStretchLastSection(false);
    for (int c = Started; c < ColumnCount; ++c)
        m_view->header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    m_view->header()->setSectionResizeMode(Name, QHeaderView::Stretch);
    m_view->setTextElideMode(Qt::ElideMiddle); // a folder name's distinctive end stays in view
    m_view->setObjectName(QStringLiteral("runsView"));
    m_filter->setPlaceholderText(tr("Filter runs (name, dataset, model, status…)"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);

    auto button = [this](const QString &text, const QString &tip, auto slot) {
        auto *b = new QPushButton(text);
        b->setToolTip(tip);
        connect(b, &QPushButton::clicked, this, slot);
        return b;
    };
    m_open = button(tr("Open"), tr("Show this run's curves and grids, and explore it with the noise slider"),
                    [this] { Q_EMIT openRequested(selectedPaths().value(0)); });
    m_resume = button(tr("Resume"), tr("Continue this run in its own folder"),
                      [this] { Q_EMIT resumeRequested(selectedPaths().value(0)); });
    m_compare = button(tr("Compare"), tr("Overlay the selected runs' validation curves on the charts"),
                       [this] { compareSelected(); });
    m_rename = button(tr("Rename…"), tr("Give the run a name (its folder keeps its own)"), [this] { askRename(); });
    m_note = button(tr("Note…"), tr("Attach a note to the run"), [this] { askNote(); });
    m_reveal = button(tr("Show folder"), tr("Open the run folder in the file manager"), [this] { reveal(); });
    m_delete = button(tr("Delete…"), tr("Move the selected runs to the trash"), [this] { deleteSelected(); });
    auto *addFolder
        = button(tr("Add folder…"), tr("Also list the runs in another folder (e.g. a sweep's --out)"), [this] {
              const QString dir = FileDialogs::folder(this, tr("Folder of runs"));
              if (!dir.isEmpty())
                  addRoot(dir);
          });

    // A tool bar, not a row: on a narrow window the buttons that do not fit go into its » menu instead of
    // holding the whole window 700 px wide.
    auto *buttons = new QToolBar;
    buttons->setObjectName(QStringLiteral("runButtons"));
    for (QPushButton *b : {m_open, m_resume, m_compare, m_rename, m_note, m_reveal, m_delete, addFolder})
        buttons->addWidget(b);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_filter);
    m_empty->setWordWrap(true);
    m_empty->setObjectName(QStringLiteral("runsEmpty"));
    layout->addWidget(m_empty);
    layout->addWidget(m_view, 1);
    layout->addWidget(buttons);

    connect(m_view, &QTreeView::doubleClicked, this, [this] { Q_EMIT openRequested(selectedPaths().value(0)); });
    onEnterKey(m_view, this, [this] {
        if (!selectedPaths().isEmpty())
            Q_EMIT openRequested(selectedPaths().value(0));
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &RunsPanel::updateButtons);
    m_rescanSoon.setSingleShot(true);
    m_rescanSoon.setInterval(kRescanDelayMs);
    connect(&m_rescanSoon, &QTimer::timeout, this, &RunsPanel::rescan);
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, &m_rescanSoon, qOverload<>(&QTimer::start));

    m_roots << RunDirectory::defaultRoot();
    for (const QString &extra : QSettings().value(QStringLiteral("runs/extraRoots")).toStringList())
        if (!m_roots.contains(extra))
            m_roots << extra;
    updateButtons();
    rescan();
}

void RunsPanel::addRoot(const QString &folder)
{
    const QString path = QDir(folder).absolutePath();
    if (m_roots.contains(path))
        return;
    m_roots << path;
    QSettings().setValue(QStringLiteral("runs/extraRoots"), m_roots.mid(1));
    rescan();
}

void RunsPanel::rescan()
{
    const QStringList roots = m_roots;
    m_scan.start(
        [roots](const std::function<bool()> &stale) {
            QVector<RunRecord> records;
            QStringList seen;
            for (const QString &root : roots) {
                for (const QString &path : RunRecord::findRuns(root)) {
                    if (stale())
                        return records;
                    if (!seen.contains(path)) {
                        seen << path;
                        records << RunRecord::read(path);
                    }
                }
            }
            return records;
        },
        [this](const QVector<RunRecord> &records) { showRecords(records); },
        [this](const QString &message) { Q_EMIT problem(message); });
}

void RunsPanel::showRecords(const QVector<RunRecord> &records)
{
    const QStringList selected = selectedPaths();
    m_records = records;
    m_model->removeRows(0, m_model->rowCount());
    for (const RunRecord &r : records)
        m_model->appendRow(rowFor(r));
    select(selected);
    m_empty->setVisible(records.isEmpty());
    m_empty->setText(tr("No runs in %1 yet. Runs trained here and with aestudio-cli train are listed as they start; "
                        "for runs kept elsewhere (a sweep's folder, a copied run), use Add folder… below.")
                         .arg(QDir::toNativeSeparators(m_roots.join(QStringLiteral(", ")))));
    watch(records);
    updateButtons();
    Q_EMIT scanned();
}

// The roots, every sweep folder and every run folder: QSaveFile's rename into a folder changes that folder.
void RunsPanel::watch(const QVector<RunRecord> &records)
{
    QStringList wanted;
    for (const QString &root : m_roots) {
        QDir().mkpath(root);
        wanted << QDir(root).absolutePath();
    }
    for (const RunRecord &r : records) {
        wanted << r.path;
        const QString parent = QFileInfo(r.path).absolutePath();
        if (!wanted.contains(parent))
            wanted << parent;
    }
    const QStringList current = m_watcher.directories();
    QStringList gone;
    for (const QString &dir : current)
        if (!wanted.contains(dir))
            gone << dir;
    if (!gone.isEmpty())
        m_watcher.removePaths(gone);
    QStringList added;
    for (const QString &dir : std::as_const(wanted))
        if (!current.contains(dir) && QFileInfo(dir).isDir())
            added << dir;
    // A folder first seen by this scan may have changed between the scan's read and now, unseen by the watcher:
    // once it is watched, read again (a run that finished in that gap would otherwise stay "running").
    if (!added.isEmpty() && m_watcher.addPaths(added).size() < added.size())
        m_rescanSoon.start();
}

QStringList RunsPanel::selectedPaths() const
{
    QStringList paths;
    for (const QModelIndex &index : m_view->selectionModel()->selectedRows(Name))
        paths << index.data(kPathRole).toString();
    return paths;
}

void RunsPanel::select(const QStringList &paths)
{
    QItemSelection selection;
    for (int row = 0; row < m_proxy->rowCount(); ++row) {
        const QModelIndex index = m_proxy->index(row, Name);
        if (paths.contains(index.data(kPathRole).toString()))
            selection.select(index, m_proxy->index(row, ColumnCount - 1));
    }
    m_view->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
}

const RunRecord *RunsPanel::record(const QString &path) const
{
    for (const RunRecord &r : m_records)
        if (r.path == path)
            return &r;
    return nullptr;
}

void RunsPanel::updateButtons()
{
    const QStringList paths = selectedPaths();
    const RunRecord *first = paths.size() == 1 ? record(paths.first()) : nullptr;
    const bool one = first && first->readable();
    bool anyLive = false;
    for (const QString &p : paths)
        if (const RunRecord *r = record(p))
            anyLive = anyLive || r->status == RunRecord::Status::Running;
    m_open->setEnabled(one && first->hasCheckpoint());
    m_resume->setEnabled(one && first->hasCheckpoint() && first->status != RunRecord::Status::Running
                         && first->status != RunRecord::Status::Finished);
    m_compare->setEnabled(!paths.isEmpty());
    m_rename->setEnabled(paths.size() == 1);
    m_note->setEnabled(paths.size() == 1);
    m_reveal->setEnabled(paths.size() == 1);
    m_delete->setEnabled(!paths.isEmpty() && !anyLive);
    m_delete->setToolTip(anyLive ? tr("A running run cannot be deleted; stop it first")
                                 : tr("Move the selected runs to the trash"));
}

void RunsPanel::renameSelected(const QString &name)
{
    const RunRecord *r = record(selectedPaths().value(0));
    if (!r)
        return;
    try {
        RunDirectory(r->path).writeLabel(name.trimmed(), r->note);
    } catch (const StudioError &e) {
        Q_EMIT problem(e.message());
    }
    m_rescanSoon.start(); // the watcher sees the same change: one scan for both
}

void RunsPanel::setNoteOfSelected(const QString &note)
{
    const RunRecord *r = record(selectedPaths().value(0));
    if (!r)
        return;
    try {
        RunDirectory(r->path).writeLabel(r->name == r->folderName ? QString() : r->name, note);
    } catch (const StudioError &e) {
        Q_EMIT problem(e.message());
    }
    m_rescanSoon.start();
}

void RunsPanel::askRename()
{
    const RunRecord *r = record(selectedPaths().value(0));
    if (!r)
        return;
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Rename run"), tr("Name:"), QLineEdit::Normal, r->name, &ok);
    if (ok)
        renameSelected(name);
}

void RunsPanel::askNote()
{
    const RunRecord *r = record(selectedPaths().value(0));
    if (!r)
        return;
    bool ok = false;
    const QString note = QInputDialog::getMultiLineText(this, tr("Note"), tr("Note on %1:").arg(r->name), r->note, &ok);
    if (ok)
        setNoteOfSelected(note);
}

void RunsPanel::reveal()
{
    const QString path = selectedPaths().value(0);
    if (!path.isEmpty() && !QDesktopServices::openUrl(QUrl::fromLocalFile(path)))
        Q_EMIT problem(tr("No file manager could open %1").arg(path));
}

void RunsPanel::compareSelected()
{
    QVector<RunRecord> chosen;
    for (const QString &p : selectedPaths())
        if (const RunRecord *r = record(p); r && !r->history.isEmpty())
            chosen << *r;
    Q_EMIT compareRequested(chosen);
}

void RunsPanel::deleteSelected(bool askFirst)
{
    const QStringList paths = selectedPaths();
    if (paths.isEmpty())
        return;
    if (askFirst
        && QMessageBox::question(this, tr("Delete runs"),
                                 tr("Move %n run folder(s) to the trash?", nullptr, int(paths.size())))
            != QMessageBox::Yes)
        return;
    QStringList failed;
    for (const QString &path : paths) {
        const RunRecord *r = record(path);
        if (r && r->status == RunRecord::Status::Running) {
            failed << tr("%1 is still running").arg(r->name);
            continue;
        }
        const QString problem = moveToTrash(path);
        if (!problem.isEmpty())
            failed << problem;
    }
    if (!failed.isEmpty())
        Q_EMIT problem(failed.join(QLatin1Char('\n')));
    m_rescanSoon.start();
}

} // namespace aestudio
