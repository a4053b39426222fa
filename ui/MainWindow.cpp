#include "MainWindow.h"
#include <QEvent>

#include "ChartsPanel.h"
#include "ConfigPanel.h"
#include "DatasetActions.h"
#include "RecipeActions.h"
#include "ReportActions.h"
#include "Errors.h"
#include "AtomicFile.h"
#include "ExperimentsPanel.h"
#include "FileDialogs.h"
#include "HelpDialogs.h"
#include "ImageGridPanel.h"
#include "DrawPad.h"
#include "LatentExplorerPanel.h"
#include "NoiseExplorerPanel.h"
#include "RobustnessPanel.h"
#include "RunsPanel.h"
#include "StudioSettings.h"
#include "TrainingPage.h"
#include "SystemInfo.h"

#include <QAction>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QDir>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>

namespace {

// Calls `onHover` when its widget is about to show a tooltip.
class HoverHook : public QObject {
public:
    HoverHook(QObject *parent, std::function<void()> onHover) : QObject(parent), m_onHover(std::move(onHover)) { }
    bool eventFilter(QObject *, QEvent *e) override
    {
        if (e->type() == QEvent::ToolTip)
            m_onHover();
        return false;
    }

private:
    std::function<void()> m_onHover;
};

} // namespace

namespace aestudio {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent), m_session(new TrainingSession(this)), m_training(new TrainingPage(m_session)),
      m_config(m_training->config()), m_charts(m_training->charts()), m_explorer(m_training->explorer()),
      m_experiments(new ExperimentsPanel), m_runs(new RunsPanel), m_pages(new QTabWidget), m_progress(new QProgressBar),
      m_status(new QLabel)
{
    // The settings: a dock on the left that can be hidden (View → Settings, Ctrl+B) or floated on a small screen.
    m_settingsDock = new QDockWidget(tr("Settings"), this);
    m_settingsDock->setObjectName(QStringLiteral("settingsDock"));
    m_settingsDock->setWidget(m_training->configArea());
    m_settingsDock->setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable
                                | QDockWidget::DockWidgetFloatable);
    addDockWidget(Qt::LeftDockWidgetArea, m_settingsDock);
    m_pages->addTab(m_training, tr("Training"));
    m_pages->addTab(m_runs, tr("Runs"));
    m_pages->addTab(m_experiments, tr("Experiments"));
    m_pages->addTab(m_training->latentPage(), tr("Latent space"));
    m_pages->addTab(m_training->drawPage(), tr("Draw && denoise"));
    m_pages->addTab(m_training->errorsPage(), tr("Where it fails"));
    setCentralWidget(m_pages);

    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(260);
    m_progress->setTextVisible(true);
    // A long status line is cut, never a reason for the window to be wider than a laptop screen.
    m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_status->setMinimumWidth(120);
    statusBar()->addWidget(m_status, 1);
    statusBar()->addPermanentWidget(m_progress);

    m_datasets = new DatasetActions(m_config, this);
    connect(m_datasets, &DatasetActions::status, m_status, &QLabel::setText);
    m_recipes = new RecipeActions(m_config, this);
    connect(m_recipes, &RecipeActions::status, m_status, &QLabel::setText);
    connect(m_recipes, &RecipeActions::problem, this, &MainWindow::showError);
    m_reports = new ReportActions([this] { return m_session->runFolder(); }, this);
    connect(m_reports, &ReportActions::status, m_status, &QLabel::setText);
    connect(m_reports, &ReportActions::problem, this, &MainWindow::showError);
    connect(m_datasets, &DatasetActions::datasetsChanged, m_experiments, &ExperimentsPanel::refreshDatasets);
    buildActions();
    buildMenus();
    connectSession();
    connect(m_config, &ConfigPanel::changed, this, &MainWindow::updateActions);
    connect(m_config, &ConfigPanel::changed, this, [this] {
        if (m_session->state() == TrainingSession::State::Idle)
            m_status->setText(m_config->readyText());
    });
    connect(m_config, &ConfigPanel::changed, this, [this] { m_experiments->setBase(m_config->config()); });
    connect(m_experiments, &ExperimentsPanel::openRun, this,
            [this](const QString &folder) { runGuarded([&] { openRun(folder); }); });
    connect(m_training, &TrainingPage::probesReady, this, &MainWindow::probesReady);
    connect(m_training, &TrainingPage::problem, this, &MainWindow::showError);
    connectRuns();
    restoreSettings();
    m_explorer->setNoise(m_config->config().noise);
    m_experiments->setBase(m_config->config());
    m_training->previewChosenDataset();
    updateActions();
    updateTitle();
    m_status->setText(m_config->readyText());
    resize(1480, 900);
    // The peak is measured the first time someone asks (hovering the status bar) while nothing trains: measuring
    // next to a training run would slow it and read low.
    m_status->installEventFilter(new HoverHook(m_status, [this] {
        if (m_sgemmPeak <= 0 && !m_session->isActive())
            measurePeakOnce();
    }));
    {
        QSettings settings;
        m_sgemmPeak = StudioSettings::sgemmPeak(settings, SystemInfo::threadsFor(m_config->config().threads));
    }
}

MainWindow::~MainWindow() = default;

ImageGridPanel *MainWindow::gridPanel() const
{
    return m_training->grids();
}

RobustnessPanel *MainWindow::robustness() const
{
    return m_training->robustness();
}

QAction *MainWindow::action(const QString &name) const
{
    return m_actions.value(name);
}

void MainWindow::showExperiments()
{
    m_pages->setCurrentWidget(m_experiments);
}

void MainWindow::showRuns()
{
    m_pages->setCurrentWidget(m_runs);
}

void MainWindow::buildActions()
{
    auto add = [this](const QString &name, const QString &text, const QKeySequence &key, auto slot) {
        auto *a = new QAction(text, this);
        a->setObjectName(name);
        a->setShortcut(key);
        connect(a, &QAction::triggered, this, slot);
        m_actions.insert(name, a);
        return a;
    };
    add(QStringLiteral("start"), tr("&Start"), QKeySequence(Qt::CTRL | Qt::Key_Return), [this] { startRun(); });
    add(QStringLiteral("pause"), tr("&Pause"), QKeySequence(Qt::Key_Space), [this] {
        if (m_session->state() == TrainingSession::State::Paused)
            m_session->resume();
        else
            m_session->pause();
    });
    add(QStringLiteral("stop"), tr("S&top"), QKeySequence(Qt::Key_Escape), [this] { m_session->stop(); });
    add(QStringLiteral("open"), tr("&Open checkpoint…"), QKeySequence::Open, [this] {
        const QString path
            = FileDialogs::openFile(this, tr("Open checkpoint"), tr("Checkpoints (*.aes);;All files (*)"));
        if (!path.isEmpty())
            runGuarded([&] { openCheckpoint(path); });
    });
    add(QStringLiteral("save"), tr("&Save checkpoint…"), QKeySequence::Save, [this] {
        const QString path
            = FileDialogs::saveFile(this, tr("Save checkpoint"), m_training->exportBaseName() + QStringLiteral(".aes"),
                                    tr("Checkpoints (*.aes)"));
        if (!path.isEmpty())
            runGuarded([&] { saveCheckpoint(path); });
    });
    add(QStringLiteral("exportAll"), tr("Export &all…"), QKeySequence(Qt::CTRL | Qt::Key_E), [this] {
        const QString dir = FileDialogs::folder(this, tr("Export everything into"));
        const int existing = int(QDir(dir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot).size());
        if (!dir.isEmpty() && existing > 0
            && QMessageBox::question(this, tr("Export all"),
                                     tr("%1 already holds %n file(s); files with the same names are replaced. "
                                        "Export into it anyway?",
                                        nullptr, existing)
                                         .arg(dir))
                != QMessageBox::Yes)
            return;
        if (!dir.isEmpty())
            runGuarded([&] {
                const QStringList files = exportAll(dir);
                m_status->setText(tr("Exported %1 files to %2").arg(files.size()).arg(dir));
            });
    });
    for (QAction *a : m_training->exportActions())
        m_actions.insert(a->objectName(), a);
    add(QStringLiteral("clearPins"), tr("Clear compared runs"), QKeySequence(), [this] { m_charts->clearPins(); });
    add(QStringLiteral("quit"), tr("&Quit"), QKeySequence::Quit, [this] { close(); });
    add(QStringLiteral("about"), tr("&About"), QKeySequence(), [this] { HelpDialogs::showAbout(this); });
    add(QStringLiteral("shortcuts"), tr("&Keyboard shortcuts"), QKeySequence(),
        [this] { HelpDialogs::showShortcuts(this, findChildren<QAction *>()); });
    // Ctrl+1, Ctrl+2, Ctrl+3: the tabs, in their order.
    for (int i = 0; i < m_pages->count(); ++i)
        add(QStringLiteral("tab%1").arg(i + 1), tr("Show %1").arg(m_pages->tabText(i)),
            QKeySequence(Qt::CTRL | (Qt::Key_1 + i)), [this, i] { m_pages->setCurrentIndex(i); });
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(action(QStringLiteral("open")));
    file->addAction(action(QStringLiteral("save")));
    file->addSeparator();
    file->addAction(m_recipes->openAction());
    file->addAction(m_recipes->saveAction());
    file->addMenu(m_recipes->menu());
    file->addSeparator();
    file->addAction(m_datasets->importAction());
    file->addAction(m_datasets->manageAction());
    file->addSeparator();
    file->addAction(action(QStringLiteral("exportAll")));
    file->addAction(m_reports->exportAction());
    QMenu *exports = file->addMenu(tr("E&xport"));
    for (const char *name : {"exportLossPng", "exportLossSvg", "exportPsnrPng", "exportPsnrSvg", "exportGrids",
                             "exportReconstructed", "exportCsv", "exportEpochStrip"})
        exports->addAction(action(QString::fromLatin1(name)));
    file->addSeparator();
    file->addAction(action(QStringLiteral("quit")));
    QMenu *run = menuBar()->addMenu(tr("&Run"));
    for (const char *name : {"start", "pause", "stop"})
        run->addAction(action(QString::fromLatin1(name)));
    run->addSeparator();
    run->addAction(action(QStringLiteral("clearPins")));
    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *settings = m_settingsDock->toggleViewAction();
    settings->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_B));
    view->addAction(settings);
    view->addSeparator();
    for (int i = 0; i < m_pages->count(); ++i)
        view->addAction(action(QStringLiteral("tab%1").arg(i + 1)));
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(action(QStringLiteral("shortcuts")));
    help->addAction(action(QStringLiteral("about")));

    QToolBar *bar = addToolBar(tr("Run"));
    bar->setObjectName(QStringLiteral("runToolBar"));
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    for (const char *name : {"start", "pause", "stop"})
        bar->addAction(action(QString::fromLatin1(name)));
    // Start is the primary action: bold, and the toolbar's first button.
    if (QWidget *start = bar->widgetForAction(action(QStringLiteral("start")))) {
        QFont bold = start->font();
        bold.setBold(true);
        start->setFont(bold);
        start->setObjectName(QStringLiteral("startButton"));
    }
    bar->addSeparator();
    bar->addAction(action(QStringLiteral("open")));
    bar->addAction(action(QStringLiteral("save")));
    bar->addAction(action(QStringLiteral("exportAll")));
}

void MainWindow::connectSession()
{
    connect(m_session, &TrainingSession::stateChanged, this, [this] {
        updateActions();
        updateTitle();
        const auto s = m_session->state();
        if (s == TrainingSession::State::Loading)
            m_status->setText(tr("Loading %1…").arg(m_session->config().dataset));
        else if (s == TrainingSession::State::Finished || s == TrainingSession::State::Stopped)
            m_status->setText(m_session->summaryText());
        else if (s == TrainingSession::State::Paused)
            m_status->setText(
                tr("Paused at %1 — Pause (Space) resumes; times and the ETA leave the pause out").arg(m_epochText));
    });
    connect(m_session, &TrainingSession::datasetLoaded, this,
            [this](const QString &name, int train, int val, int test) {
                m_status->setText(
                    tr("%1: %2 train / %3 validation / %4 test images").arg(name).arg(train).arg(val).arg(test));
            });
    connect(m_session, &TrainingSession::batchProgress, this, &MainWindow::showBatch);
    connect(m_session, &TrainingSession::runFolderChanged, this, &MainWindow::updateActions);
    connect(m_session, &TrainingSession::epochFinished, this, [this](const EpochMetrics &m) {
        m_progress->setValue(int(1000.0 * m.epoch / std::max(1, m_session->config().epochs)));
        updateActions();
    });
    connect(m_session, &TrainingSession::failed, this, &MainWindow::showError);
}

void MainWindow::connectRuns()
{
    connect(m_runs, &RunsPanel::openRequested, this,
            [this](const QString &folder) { runGuarded([&] { openRun(folder); }); });
    connect(m_runs, &RunsPanel::resumeRequested, this, [this](const QString &folder) {
        runGuarded([&] {
            // Once it is open: to the run's own planned total, in its own folder.
            openRun(folder,
                    [this, folder] { m_session->start(m_session->config(), m_session->checkpointPath(), folder); });
        });
    });
    connect(m_runs, &RunsPanel::compareRequested, this, [this](const QVector<RunRecord> &runs) {
        m_charts->compare(runs);
        m_pages->setCurrentIndex(0);
        m_status->setText(tr("Comparing %n run(s) on the charts", nullptr, int(runs.size())));
    });
    connect(m_runs, &RunsPanel::problem, this, &MainWindow::showError);
}

void MainWindow::openRun(const QString &folder, const std::function<void()> &then)
{
    openCheckpoint(QDir(folder).filePath(QStringLiteral("checkpoint.aes")), then);
    m_pages->setCurrentIndex(0);
}

void MainWindow::showBatch(const BatchProgress &p)
{
    if (m_session->state() == TrainingSession::State::Paused)
        return; // a report already on its way when Pause was pressed must not overwrite "Paused"
    const double done = (p.epoch - 1 + double(p.batch) / std::max(1, p.batches)) / std::max(1, p.epochs);
    m_progress->setValue(int(1000 * done));
    m_epochText = tr("epoch %1/%2").arg(p.epoch).arg(p.epochs);
    const TrainingConfig &c = m_session->config();
    const double gflops = p.samplesPerSecond * c.model.trainingFlopsPerSample() / 1e9;
    m_status->setToolTip(
        m_sgemmPeak > 0
            ? tr("%1 samples/s · the model's work %2 GFLOP/s = %3% of this machine's SGEMM peak (%4 GFLOP/s on %5 "
                 "threads, measured once)")
                  .arg(p.samplesPerSecond, 0, 'f', 0)
                  .arg(gflops, 0, 'f', 1)
                  .arg(100.0 * gflops / m_sgemmPeak, 0, 'f', 0)
                  .arg(m_sgemmPeak, 0, 'f', 0)
                  .arg(SystemInfo::threadsFor(c.threads))
            : tr("%1 samples/s · the model's work %2 GFLOP/s (hover here while no run trains to measure this "
                 "machine's peak once)")
                  .arg(p.samplesPerSecond, 0, 'f', 0)
                  .arg(gflops, 0, 'f', 1));
    m_status->setText(tr("Epoch %1/%2 · batch %3/%4 · loss %5 · %6 samples/s · ETA %7")
                          .arg(p.epoch)
                          .arg(p.epochs)
                          .arg(p.batch)
                          .arg(p.batches)
                          .arg(p.loss, 0, 'f', 4)
                          .arg(p.samplesPerSecond, 0, 'f', 0)
                          .arg(formatDuration(p.etaSeconds)));
    updateTitle();
}

// The GEMM peak the status tooltip compares throughput with: read from the settings, or measured once off the GUI
// thread (about a second of both cores) while the studio is idle, and kept.
void MainWindow::measurePeakOnce()
{
    const int threads = SystemInfo::threadsFor(m_config->config().threads);
    QSettings settings;
    m_sgemmPeak = StudioSettings::sgemmPeak(settings, threads);
    if (m_sgemmPeak > 0)
        return;
    m_status->setToolTip(tr("Measuring this machine's GEMM peak on %1 threads (about a second)…").arg(threads));
    m_peakJob.start(
        [threads](const std::function<bool()> &) {
            SystemInfo::setThreadsForCallingThread(threads);
            return SystemInfo::measureSgemmGflops(threads).best();
        },
        [this, threads](double peak) {
            QSettings settings;
            StudioSettings::setSgemmPeak(settings, threads, peak);
            m_sgemmPeak = peak;
            m_status->setToolTip(tr("This machine's SGEMM peak: %1 GFLOP/s on %2 threads; while a run trains, "
                                    "this shows its share of it")
                                     .arg(peak, 0, 'f', 0)
                                     .arg(threads));
        });
}

void MainWindow::updateActions()
{
    const auto s = m_session->state();
    const bool active = m_session->isActive();
    const QString blocker = m_config->startBlocker();
    QAction *start = action(QStringLiteral("start"));
    start->setEnabled(!active && blocker.isEmpty());
    start->setToolTip(blocker.isEmpty() ? tr("Start training (Ctrl+Return)") : blocker);
    QAction *pause = action(QStringLiteral("pause"));
    pause->setEnabled(s == TrainingSession::State::Running || s == TrainingSession::State::Paused);
    pause->setText(s == TrainingSession::State::Paused ? tr("&Resume") : tr("&Pause"));
    action(QStringLiteral("stop"))->setEnabled(active && s != TrainingSession::State::Stopping);
    action(QStringLiteral("save"))->setEnabled(!m_session->checkpointPath().isEmpty());
    action(QStringLiteral("open"))->setEnabled(!active);
    m_recipes->setOpenEnabled(!active);
    QAction *exportAll = action(QStringLiteral("exportAll"));
    exportAll->setEnabled(!m_session->runFolder().isEmpty());
    exportAll->setToolTip(exportAll->isEnabled() ? tr("Write the run's files, the charts and the grids into a folder")
                                                 : tr("Nothing to export yet: train or open a run first"));
    m_reports->setAvailable(!m_session->runFolder().isEmpty() && !m_session->checkpointPath().isEmpty());
    m_config->setEditable(!active);
}

void MainWindow::updateTitle()
{
    QString title = tr("Autoencoder Studio — %1").arg(m_session->progressName());
    if (m_session->isActive() && !m_epochText.isEmpty())
        title += QStringLiteral(" (%1)").arg(m_epochText);
    setWindowTitle(title);
}

void MainWindow::showError(const QString &message)
{
    m_status->setText(tr("Error: %1").arg(message));
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Autoencoder Studio"), message, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open(); // window-modal but not blocking: the studio stays responsive
    updateActions();
}

void MainWindow::runGuarded(const std::function<void()> &work)
{
    try {
        work();
    } catch (const std::exception &e) {
        showError(describeError(e));
    }
}

void MainWindow::startRun(StartMode mode)
{
    if (m_session->isActive() || !m_config->startBlocker().isEmpty())
        return;
    TrainingConfig config = m_config->config();
    const QString checkpoint = m_session->checkpointPath();
    // Epochs means one thing everywhere, as for the CLI's --resume: the total to train to.
    const int done = int(m_session->history().size());
    const bool sameModel
        = m_session->config().model.sameArchitecture(config.model) && m_session->config().dataset == config.dataset;
    const bool canContinue = !checkpoint.isEmpty() && done > 0 && sameModel && config.epochs > done;
    if (mode == StartMode::Ask && !checkpoint.isEmpty() && done > 0) {
        const QString question = canContinue
            ? tr("This model has trained %1 of %2 epochs. Continue it to epoch %2, or start fresh?")
                  .arg(done)
                  .arg(config.epochs)
            : !sameModel
            ? tr("The settings now describe another model or dataset than the one trained (%1 epochs), so "
                 "it cannot be continued. Start fresh?")
                  .arg(done)
            : tr("This model has trained %1 epochs; set Epochs above %1 to continue it. Start fresh?").arg(done);
        QMessageBox ask(QMessageBox::Question, tr("Start"), question, QMessageBox::Cancel, this);
        QPushButton *cont
            = canContinue ? ask.addButton(tr("Continue to %1").arg(config.epochs), QMessageBox::AcceptRole) : nullptr;
        QPushButton *fresh = ask.addButton(tr("Start fresh"), QMessageBox::DestructiveRole);
        ask.setDefaultButton(cont ? cont : fresh);
        ask.exec();
        if (cont && ask.clickedButton() == cont)
            mode = StartMode::Continue;
        else if (ask.clickedButton() == fresh)
            mode = StartMode::Fresh;
        else
            return;
    }
    m_epochText.clear();
    if (mode == StartMode::Continue && canContinue) {
        // The trainer goes on from the last finished epoch: steps drawn after it (a mid-epoch stop) are dropped.
        m_charts->truncateToEpoch(done);
        m_session->start(config, checkpoint, m_session->runFolder());
    } else {
        m_charts->clear();
        m_session->start(config);
    }
    m_explorer->setNoise(config.noise);
}

void MainWindow::openCheckpoint(const QString &path, const std::function<void()> &then)
{
    if (m_session->isActive())
        throw StudioError(tr("Stop the current run before opening a checkpoint."));
    using Opened = std::pair<CheckpointInfo, std::shared_ptr<const InferenceModel>>;
    m_status->setText(tr("Opening %1…").arg(path));
    m_openJob.start(
        [path](const std::function<bool()> &) {
            CheckpointInfo info;
            auto model = InferenceModel::fromCheckpoint(path, &info); // with the probe grids of every epoch
            return Opened(std::move(info), std::move(model));
        },
        [this, path, then](const Opened &opened) {
            if (m_session->isActive()) { // a run started while the file was loading: it wins
                Q_EMIT checkpointOpened(path, false);
                return;
            }
            showOpened(path, opened.first, opened.second);
            Q_EMIT checkpointOpened(path, true);
            if (then)
                then();
        },
        [this, path](const QString &message) {
            showError(message);
            Q_EMIT checkpointOpened(path, false);
        });
}

void MainWindow::showOpened(const QString &path, const CheckpointInfo &info,
                            std::shared_ptr<const InferenceModel> model)
{
    m_config->setConfig(info.config);
    m_charts->setHistory(info.history);
    m_session->adopt(info.config, info.history, path, std::move(model), info.snapshots);
    m_explorer->setNoise(info.config.noise);
    m_status->setText(tr("Opened %1: %2, %3 epoch(s)").arg(path, info.architecture).arg(info.epoch));
    m_training->loadProbes(info.config, true);
    updateActions();
}

void MainWindow::saveCheckpoint(const QString &path)
{
    const QString source = m_session->checkpointPath();
    if (source.isEmpty())
        throw StudioError(tr("There is no trained epoch to save yet."));
    QFile in(source);
    if (!in.open(QIODevice::ReadOnly))
        throw StudioError(tr("%1: cannot read the session checkpoint").arg(source));
    AtomicFile::write(path, in.readAll());
    m_status->setText(tr("Saved %1").arg(path));
}

QStringList MainWindow::exportAll(const QString &folder)
{
    return m_training->exportAll(m_session->runFolder(), folder);
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    m_config->setConfig(StudioSettings::loadConfig(settings));
    StudioSettings::restoreWindow(settings, this, m_training->splitter());
}

void MainWindow::saveSettings()
{
    QSettings settings;
    StudioSettings::saveConfig(settings, m_config->config());
    StudioSettings::saveWindow(settings, *this, *m_training->splitter());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveSettings();
    m_session->stop(); // the session's destructor joins the thread after at most one more batch
    event->accept();
}

} // namespace aestudio
