// The Experiments page: build a grid of depths x latents x dropouts (or the seed study's preset), queue it, watch
// each run's progress, read the results as a sortable per-run table and as the seed's Table 1.1 (best cell per row
// highlighted), and compare validation-loss curves per latent dim. Double-clicking a run opens it in the studio.
#pragma once

#include "BackgroundJob.h"
#include "Sweep.h"
#include "SweepWatcher.h"
#include "TrainingConfig.h"

#include <QWidget>

class QComboBox;
class QLineEdit;
class QLabel;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace aestudio {

class LiveChart;
class SlurmOptionsBox;
class SweepSession;

class ExperimentsPanel : public QWidget {
    Q_OBJECT
public:
    explicit ExperimentsPanel(QWidget *parent = nullptr);

    // The settings not swept come from the studio's recipe (batch size, seed, threads...). Dataset, noise and learning
    // rate are shown in the form: they follow the recipe until edited there, and are remembered once used.
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

    QTableWidget *runTable() const { return m_runs; }
    QTableWidget *pivotTable() const { return m_pivot; }

Q_SIGNALS:
    void openRun(const QString &folder); // a run of the grid that has a checkpoint
    void sweepFinished();

private:
    void onRunStarted(int index, const QString &name, int epochs);
    void onRunEpoch(int index, const aestudio::EpochMetrics &m);
    void onRunFinished(int index, const aestudio::SweepResult &r);
    void rebuildPivot();
    void submitToSlurm(const SweepSpec &s);
    void showCells(const aestudio::SweepWatcher::Snapshot &snapshot);
    bool openPlan(const QString &folder);
    void setRunning(bool running);
    QLayout *buildForm();
    void buildTables();
    void fillPlan();
    void showGrid(const SweepSpec &s); // the grid's lists and epochs into the form
    void saveForm() const;
    void loadForm();

    TrainingConfig m_base;
    class SweepBaseFields *m_baseFields = nullptr;
    // The form's dataset/noise/lr follow the Training tab's recipe until edited here (or restored from last time).
    bool m_baseEdited = false;
    bool m_showingBase = false;
    QString m_outDir;
    QLineEdit *m_depths, *m_latents, *m_dropouts, *m_weightDecays;
    QSpinBox *m_epochs, *m_epochsRegularised, *m_jobs;
    QLabel *m_folder, *m_status, *m_diff;
    QPushButton *m_openSweep = nullptr;
    QPushButton *m_queue, *m_stop;
    QPushButton *m_collect = nullptr;
    QComboBox *m_runOn = nullptr;
    SlurmOptionsBox *m_slurm = nullptr;
    SweepWatcher *m_watcher = nullptr;
    bool m_firstCellRead = false;     // the next folder read is the first since opening it
    BackgroundJob m_clusterJob{this}; // sbatch, off the GUI thread
    BackgroundJob m_collectJob{this}; // collect, off the GUI thread (its own job: neither supersedes the other)
    QTableWidget *m_runs, *m_pivot;
    LiveChart *m_curves;
    QVector<SweepSpec::Run> m_plan;
    QVector<SweepResult> m_results;
    QVector<QVector<QPointF>> m_curvePoints;
    QVector<int> m_curveSeries;
    SweepSession *m_session;
    bool m_failed = false;
};

} // namespace aestudio
