// The studio window. It only assembles the panels, the run actions and menus, and routes signals between the
// training session, the charts, the grids and the noise explorer; each of those is its own class.
#pragma once

#include "BackgroundJob.h"
#include "Checkpoint.h"
#include "StudioTypes.h"
#include "TrainingSession.h"

#include <QMainWindow>

class QAction;
class QLabel;
class QProgressBar;
class QTabWidget;

namespace aestudio {

class ChartsPanel;
class ConfigPanel;
class DatasetActions;
class RecipeActions;
class ReportActions;
class ExperimentsPanel;
class RobustnessPanel;
class RunsPanel;
class TrainingPage;
class ImageGridPanel;
class NoiseExplorerPanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    enum class StartMode { Ask, Fresh, Continue };

    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    void startRun(StartMode mode = StartMode::Ask);
    // Loads the checkpoint off the GUI thread, then shows its settings, curves and model and runs `then`; a newer
    // open supersedes it. Throws StudioError at once while a run is active; a file that does not load is reported
    // in a message box. checkpointOpened() says how it ended.
    void openCheckpoint(const QString &path, const std::function<void()> &then = {});
    void openRun(const QString &folder, const std::function<void()> &then = {}); // its checkpoint.aes
    void saveCheckpoint(const QString &path);
    QStringList exportAll(const QString &folder);

    TrainingSession *session() const { return m_session; }
    ConfigPanel *configPanel() const { return m_config; }
    ChartsPanel *chartsPanel() const { return m_charts; }
    ImageGridPanel *gridPanel() const;
    NoiseExplorerPanel *explorer() const { return m_explorer; }
    ExperimentsPanel *experiments() const { return m_experiments; }
    RobustnessPanel *robustness() const;
    RunsPanel *runsPanel() const { return m_runs; }
    DatasetActions *datasets() const { return m_datasets; }
    RecipeActions *recipes() const { return m_recipes; }
    ReportActions *reports() const { return m_reports; }
    QProgressBar *progressBar() const { return m_progress; }
    QAction *action(const QString &name) const;
    void showExperiments();
    void showRuns();

Q_SIGNALS:
    void probesReady();
    void checkpointOpened(const QString &path, bool ok);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildActions();
    void buildMenus();
    void connectSession();
    void connectRuns();
    void updateActions();
    void updateTitle();
    void showBatch(const BatchProgress &p);
    void showError(const QString &message);
    void runGuarded(const std::function<void()> &work);
    void showOpened(const QString &path, const CheckpointInfo &info, std::shared_ptr<const InferenceModel> model);
    void restoreSettings();
    void saveSettings();

    TrainingSession *m_session;
    TrainingPage *m_training;
    void measurePeakOnce();
    double m_sgemmPeak = 0; // GFLOP/s of this machine's GEMM at the run's threads, for the status tooltip
    BackgroundJob m_peakJob{this};
    DatasetActions *m_datasets = nullptr;
    ReportActions *m_reports = nullptr;
    RecipeActions *m_recipes = nullptr;
    class QDockWidget *m_settingsDock = nullptr;
    ConfigPanel *m_config;
    ChartsPanel *m_charts;
    NoiseExplorerPanel *m_explorer;
    ExperimentsPanel *m_experiments;
    RunsPanel *m_runs;
    QTabWidget *m_pages;
    QProgressBar *m_progress;
    QLabel *m_status;
    QString m_epochText;
    QMap<QString, QAction *> m_actions;
    BackgroundJob m_openJob{this};
};

} // namespace aestudio
