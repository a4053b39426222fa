// The Experiments page: build a grid of depths x latents x dropouts (or the seed study's preset), queue it, watch
// each run's progress, read the results as a sortable per-run table and as the seed's Table 1.1 (best cell per row
// highlighted), and compare validation-loss curves per latent dim. Double-clicking a run opens it in the studio.
#pragma once

#include "BackgroundJob.h"
#include "Sweep.h"
#include "SweepWatcher.h"
#include "TrainingConfig.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace aestudio {

class SweepForm;
class SweepResultsView;
class SweepSession;

class ExperimentsPanel : public QWidget {
    Q_OBJECT
public:
    explicit ExperimentsPanel(QWidget *parent = nullptr);

    // The settings not swept come from the studio's recipe (batch size, seed, threads...); see SweepForm.
    void setBase(const TrainingConfig &base);
    // Reads a past sweep's finished runs into the tables without running anything.
    void openSweep(const QString &folder);
    void refreshDatasets(); // the form's dataset list, after a download, import or removal
    void setOutputFolder(const QString &folder);
    QString outputFolder() const { return m_outDir; }
    SweepSpec spec() const; // throws ConfigError on unparsable lists
    void queue();           // starts the grid here, or submits it to Slurm (errors are shown in the panel)
    void collect();         // results.csv and table.md from the finished cells (off the GUI thread)
    void setRunOnSlurm(bool slurm);
    SweepWatcher *watcher() const { return m_watcher; }
    void stop();
    bool running() const;
    void useSeedStudyPreset();
    // The settings that differ between the selected runs ("latent: 15 | 30"), one per line; empty if they agree.
    QString diffSelected() const;

    QTableWidget *runTable() const;
    QTableWidget *pivotTable() const;

Q_SIGNALS:
    void openRun(const QString &folder); // a run of the grid that has a checkpoint
    void sweepFinished();

private:
    void submitToSlurm(const SweepSpec &s);
    void showCells(const aestudio::SweepWatcher::Snapshot &snapshot);
    bool openPlan(const QString &folder);
    void setRunning(bool running);
    QLayout *buildForm();

    SweepForm *m_form;
    QString m_outDir;
    QLineEdit *m_folder;
    QLabel *m_status, *m_diff;
    QPushButton *m_openSweep = nullptr;
    QPushButton *m_queue, *m_stop;
    QPushButton *m_collect = nullptr;
    SweepWatcher *m_watcher = nullptr;
    bool m_firstCellRead = false;     // the next folder read is the first since opening it
    BackgroundJob m_clusterJob{this}; // sbatch, off the GUI thread
    BackgroundJob m_collectJob{this}; // collect, off the GUI thread (its own job: neither supersedes the other)
    SweepResultsView *m_view;
    SweepSession *m_session;
    bool m_failed = false;
};

} // namespace aestudio
