// The Runs browser: every run folder under the runs root (the studio's, the CLI's, sweep cells) and any folder the
// user adds, with name, date, dataset, model, best validation loss and PSNR, epochs and status. Sort and filter;
// rename and note; move to the trash; reveal; open, resume, or overlay several runs' curves. A file-system
// watcher shows runs appearing and progressing live. Folders are read off the GUI thread (BackgroundJob).
#pragma once

#include "BackgroundJob.h"
#include "RunRecord.h"

#include <QFileSystemWatcher>
#include <QTimer>
#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QStandardItemModel;
class QTreeView;

namespace aestudio {

class RunsPanel : public QWidget {
    Q_OBJECT
public:
    enum Column { Name, Started, Dataset, Model, BestValLoss, ValPsnr, Epochs, Status, ColumnCount };

    explicit RunsPanel(QWidget *parent = nullptr);

    // Where runs are looked for: the default runs root first, then folders the user added (kept in QSettings).
    QStringList roots() const { return m_roots; }
    void addRoot(const QString &folder);
    void rescan(); // reads every run again, off the GUI thread
    QVector<RunRecord> runs() const { return m_records; }
    QStringList selectedPaths() const;
    void select(const QStringList &paths);
    QTreeView *view() const { return m_view; }

    // The actions on the selection; each reports problems through `problem`.
    void renameSelected(const QString &name);
    void setNoteOfSelected(const QString &note);
    void deleteSelected(bool askFirst = true);

Q_SIGNALS:
    void openRequested(const QString &folder);
    void resumeRequested(const QString &folder);
    void compareRequested(const QVector<aestudio::RunRecord> &runs); // empty: stop comparing
    void scanned();                                                  // the table shows the latest scan
    void problem(const QString &message);

private:
    void showRecords(const QVector<RunRecord> &records);
    void watch(const QVector<RunRecord> &records);
    void updateButtons();
    const RunRecord *record(const QString &path) const;
    void askRename();
    void askNote();
    void reveal();
    void compareSelected();

    QStringList m_roots;
    QVector<RunRecord> m_records;
    QStandardItemModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QTreeView *m_view;
    QLineEdit *m_filter;
    QLabel *m_empty; // says where runs are looked for, while none are listed
    QPushButton *m_open, *m_resume, *m_compare, *m_rename, *m_note, *m_reveal, *m_delete;
    QFileSystemWatcher m_watcher;
    QTimer m_rescanSoon;
    BackgroundJob m_scan{this};
};

} // namespace aestudio
