#include "ExperimentsPanel.h"

#include "FileDialogs.h"
#include "SweepForm.h"

#include "Errors.h"
#include "LiveChart.h"
#include "RunDirectory.h"
#include "Slurm.h"
#include "SlurmOptionsBox.h"
#include "SweepPlan.h"
#include "SweepResultsView.h"
#include "SweepSession.h"
#include "StudioTypes.h"

#include <QDateTime>
#include <QDesktopServices>
#include <QUrl>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace aestudio {
namespace {

// Asks for the whole form's height (a plain QScrollArea asks for at most 24 lines), so the splitter shows all of it
// when the window has the room and scrolls it only when it has not.
class FormScrollArea : public QScrollArea {
public:
    QSize sizeHint() const override
    {
        if (!widget())
            return QScrollArea::sizeHint();
        const QSize whole = widget()->sizeHint().expandedTo(widget()->minimumSizeHint());
        return whole + QSize(verticalScrollBar()->sizeHint().width() + 2 * frameWidth(), 2 * frameWidth());
    }
};

} // namespace

ExperimentsPanel::ExperimentsPanel(QWidget *parent)
    : QWidget(parent), m_form(new SweepForm), m_watcher(new SweepWatcher(this)), m_view(new SweepResultsView(this)),
      m_session(new SweepSession(this))
{
    auto *left = buildForm();
    auto *topRow = new QHBoxLayout;
    topRow->addLayout(left, 0);
    topRow->addWidget(m_view->pivotTable(), 1);
    auto *split = new QSplitter(Qt::Vertical);
    auto *top = new QWidget;
    top->setLayout(topRow);
    // Scrolls rather than holding the whole window to its height: on a 768-pixel screen the form alone would.
    auto *topScroll = new FormScrollArea;
    topScroll->setWidget(top);
    topScroll->setWidgetResizable(true);
    topScroll->setFrameShape(QFrame::NoFrame);
    split->addWidget(topScroll);
    split->addWidget(m_view->runTable());
    split->addWidget(m_view->curves());
    // Height the form does not need goes to the runs and, most, to the curves.
    split->setStretchFactor(0, 0);
    split->setStretchFactor(1, 1);
    split->setStretchFactor(2, 2);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(split);

    // Beside the other runs, so the Runs browser lists the sweep's cells too.
    setOutputFolder(QDir(RunDirectory::defaultRoot())
                        .filePath(QDateTime::currentDateTime().toString(QStringLiteral("yyyy-MM-dd-HHmmss"))
                                  + QStringLiteral("-sweep")));
    setRunning(false);
    connect(m_view, &SweepResultsView::runActivated, this, [this](const QString &name) {
        const QString folder = QDir(m_outDir).filePath(name);
        if (QFileInfo::exists(QDir(folder).filePath(QStringLiteral("checkpoint.aes"))))
            Q_EMIT openRun(folder);
    });
    connect(m_watcher, &SweepWatcher::updated, this, &ExperimentsPanel::showCells);
    connect(m_watcher, &SweepWatcher::failed, this,
            [this](const QString &m) { m_status->setText(tr("Cannot read the sweep folder: %1").arg(m)); });
    connect(m_session, &SweepSession::layoutChosen, this, [this](const QString &layout) {
        m_status->setText(tr("Running %1 runs: %2.").arg(m_view->plan().size()).arg(layout));
    });
    connect(m_session, &SweepSession::runStarted, m_view,
            [this](int index, const QString &, int epochs) { m_view->runStarted(index, epochs); });
    connect(m_session, &SweepSession::runEpoch, m_view, &SweepResultsView::runEpoch);
    connect(m_session, &SweepSession::runFinished, m_view,
            [this](int index, const SweepResult &r) { m_view->runFinished(index, r, m_outDir); });
    connect(m_session, &SweepSession::failed, this, [this](const QString &m) {
        m_failed = true;
        m_status->setText(tr("Error: %1").arg(m));
    });
    connect(m_session, &SweepSession::finished, this, [this](bool stopped) {
        setRunning(false);
        m_view->setSortingEnabled(true);
        if (!m_failed)
            m_status->setText(stopped ? tr("Stopped; queue again to continue where it stopped.")
                                      : tr("Done: results.csv and table.md in the output folder."));
        Q_EMIT sweepFinished();
    });
}

QLayout *ExperimentsPanel::buildForm()
{
    // One line, as much of the path as fits with its last folder in view (a wrapped label was cut off), all of it
    // in the tooltip and selectable.
    m_folder = new QLineEdit;
    m_folder->setReadOnly(true);
    m_folder->setFrame(false);
    m_folder->setObjectName(QStringLiteral("outputFolder"));
    m_status = new QLabel;
    m_status->setWordWrap(true);
    m_queue = new QPushButton(tr("Queue grid"));
    m_stop = new QPushButton(tr("Stop"));
    auto *preset = new QPushButton(tr("Seed study preset"));
    auto *diff = new QPushButton(tr("Diff selected runs"));
    m_diff = new QLabel;
    m_diff->setObjectName(QStringLiteral("diff"));
    m_diff->setWordWrap(true);
    m_diff->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *chooseFolder = new QPushButton(tr("Folder…"));
    auto *revealFolder = new QPushButton(tr("Open folder"));
    revealFolder->setToolTip(tr("Show the output folder in the file manager"));
    auto *openSweepButton = m_openSweep = new QPushButton(tr("Open sweep…"));
    openSweepButton->setToolTip(tr("Read a past sweep's results into the tables, without running anything"));
    m_collect = new QPushButton(tr("Collect"));
    m_collect->setObjectName(QStringLiteral("collect"));
    m_collect->setToolTip(tr("Write results.csv and table.md from the runs finished so far, and list the others"));

    auto *folderRow = new QHBoxLayout;
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(chooseFolder);
    folderRow->addWidget(revealFolder);
    m_form->addRow(tr("Output"), folderRow);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(preset);
    buttons->addWidget(openSweepButton);
    buttons->addStretch(1);
    buttons->addWidget(m_collect);
    buttons->addWidget(m_queue);
    buttons->addWidget(m_stop);
    auto *left = new QVBoxLayout;
    left->addWidget(m_form);
    left->addLayout(buttons);
    left->addWidget(m_status);
    left->addWidget(diff);
    left->addWidget(m_diff);

    connect(preset, &QPushButton::clicked, this, &ExperimentsPanel::useSeedStudyPreset);
    connect(chooseFolder, &QPushButton::clicked, this, [this] {
        const QString dir = FileDialogs::folder(this, tr("Sweep output folder"), m_outDir);
        if (!dir.isEmpty())
            setOutputFolder(dir);
    });
    connect(revealFolder, &QPushButton::clicked, this, [this] {
        QDir().mkpath(m_outDir);
        QDesktopServices::openUrl(QUrl::fromLocalFile(m_outDir));
    });
    connect(openSweepButton, &QPushButton::clicked, this, [this] {
        const QString dir = FileDialogs::folder(this, tr("Open a sweep folder"), m_outDir);
        if (!dir.isEmpty())
            openSweep(dir);
    });
    connect(m_queue, &QPushButton::clicked, this, &ExperimentsPanel::queue);
    connect(m_collect, &QPushButton::clicked, this, &ExperimentsPanel::collect);
    connect(m_form, &SweepForm::placeChanged, this,
            [this](bool slurm) { m_queue->setText(slurm ? tr("Submit to Slurm") : tr("Queue grid")); });
    connect(m_stop, &QPushButton::clicked, this, &ExperimentsPanel::stop);
    connect(diff, &QPushButton::clicked, this, [this] {
        const QString text = diffSelected();
        m_diff->setText(text.isEmpty() ? tr("Select two or more runs with different settings.") : text);
    });
    return left;
}

QTableWidget *ExperimentsPanel::runTable() const
{
    return m_view->runTable();
}

QTableWidget *ExperimentsPanel::pivotTable() const
{
    return m_view->pivotTable();
}

bool ExperimentsPanel::running() const
{
    return m_session->running();
}

void ExperimentsPanel::setOutputFolder(const QString &folder)
{
    if (QFileInfo(folder).absoluteFilePath() != QFileInfo(m_outDir).absoluteFilePath())
        m_watcher->stop(); // its rows belong to the old folder
    m_outDir = folder;
    const QString shown = QDir::toNativeSeparators(QFileInfo(folder).absoluteFilePath());
    m_folder->setText(shown);
    m_folder->setToolTip(shown);
    m_folder->setCursorPosition(int(shown.size()));
}

void ExperimentsPanel::setBase(const TrainingConfig &base)
{
    m_form->setBase(base);
}

void ExperimentsPanel::openSweep(const QString &folder)
{
    if (running())
        return;
    if (openPlan(folder))
        return;
    QVector<SweepResult> results;
    try {
        results = Sweep::readFinished(folder);
    } catch (const StudioError &e) {
        m_status->setText(tr("Error: %1").arg(e.message()));
        return;
    }
    setOutputFolder(folder);
    QVector<SweepSpec::Run> plan;
    for (const SweepResult &r : std::as_const(results))
        plan.append({r.name, r.config});
    // The form takes the sweep's grid and shared settings, so Queue grid continues this very sweep.
    if (!results.isEmpty())
        m_form->showSweep(SweepSpec::ofResults(results));
    m_view->setPlan(plan);
    for (int i = 0; i < results.size(); ++i)
        m_view->runFinished(i, results[i], folder);
    m_view->setSortingEnabled(true);
    m_status->setText(
        tr("%n finished run(s) read from %1; Queue grid continues this sweep.", nullptr, int(results.size()))
            .arg(folder));
}

void ExperimentsPanel::refreshDatasets()
{
    m_form->refreshDatasets();
}

void ExperimentsPanel::useSeedStudyPreset()
{
    const SweepSpec seed = m_form->useSeedStudyPreset();
    m_status->setText(tr("The seed study's Table 1.1: %1 runs on clean inputs.").arg(seed.runs().size()));
}

SweepSpec ExperimentsPanel::spec() const
{
    return m_form->spec();
}

void ExperimentsPanel::setRunning(bool running)
{
    m_form->setRunning(running);
    m_queue->setEnabled(!running);
    m_stop->setEnabled(running);
    m_openSweep->setEnabled(!running);
    m_collect->setEnabled(!running);
}

void ExperimentsPanel::queue()
{
    if (running())
        return;
    SweepSpec s;
    try {
        s = spec();
    } catch (const StudioError &e) {
        m_status->setText(tr("Error: %1").arg(e.message()));
        return;
    }
    m_form->save();
    m_view->setPlan(s.runs());
    m_failed = false;
    if (m_form->onSlurm()) {
        submitToSlurm(s);
        return;
    }
    m_watcher->stop(); // this sweep reports itself
    setRunning(true);
    m_status->setText(s.jobs == 0
                          ? tr("Running %1 runs… First timing the longest one both ways (one run with all threads, "
                               "one run per thread) to choose how many run at once.")
                                .arg(m_view->plan().size())
                          : tr("Running %1 runs…").arg(m_view->plan().size()));
    m_session->start(s, m_outDir);
}

QString ExperimentsPanel::diffSelected() const
{
    return m_view->diffSelected();
}
void ExperimentsPanel::stop()
{
    m_session->stop();
}

void ExperimentsPanel::setRunOnSlurm(bool slurm)
{
    m_form->setOnSlurm(slurm);
}

// The plan and scripts are written here; sbatch runs off the GUI thread; then the folder is watched.
void ExperimentsPanel::submitToSlurm(const SweepSpec &s)
{
    try {
        const Slurm::Options options = m_form->slurmOptions()->options();
        m_form->slurmOptions()->save();
        const SweepPlan plan = Sweep(s, m_outDir).prepare();
        const Slurm::Scripts scripts = Slurm::writeScripts(m_outDir, plan.cells.size(), options);
        m_status->setText(tr("Submitting %1 runs to Slurm…").arg(plan.cells.size()));
        m_queue->setEnabled(false);
        const QString folder = m_outDir;
        m_clusterJob.start([folder, scripts](const std::function<bool()> &) { return Slurm::submit(folder, scripts); },
                           [this, folder, n = plan.cells.size()](const Slurm::Submission &job) {
                               m_queue->setEnabled(true);
                               m_status->setText(tr("Submitted job array %1 (%2 runs) and collect job %3; the table "
                                                    "follows the folder as runs finish.")
                                                     .arg(job.arrayJob)
                                                     .arg(n)
                                                     .arg(job.collectJob));
                               m_firstCellRead = false;
                               m_watcher->watch(folder);
                           },
                           [this, folder](const QString &message) {
                               m_queue->setEnabled(true);
                               m_status->setText(tr("Error: %1").arg(message));
                               // jobs.json exists when the array went in before the failure: follow it anyway.
                               if (!Slurm::lastSubmission(folder).arrayJob.isEmpty())
                                   m_watcher->watch(folder);
                           });
    } catch (const StudioError &e) {
        m_status->setText(tr("Error: %1").arg(e.message()));
    }
}

bool ExperimentsPanel::openPlan(const QString &folder)
{
    if (!QFileInfo::exists(SweepPlan::fileIn(folder)))
        return false;
    SweepPlan plan;
    try {
        plan = SweepPlan::read(SweepPlan::fileIn(folder));
    } catch (const StudioError &e) {
        m_status->setText(tr("Error: %1").arg(e.message()));
        return true;
    }
    setOutputFolder(folder);
    m_form->showSweep(SweepSpec::ofRuns(plan.cells));
    m_view->setPlan(plan.cells);
    m_firstCellRead = true;
    m_status->setText(tr("Following %1 (%2): the table fills in as runs finish, here or on a cluster.")
                          .arg(folder, plan.cells.size() == 1 ? tr("1 run") : tr("%1 runs").arg(plan.cells.size())));
    m_watcher->watch(folder);
    return true;
}

void ExperimentsPanel::showCells(const SweepWatcher::Snapshot &snapshot)
{
    if (QFileInfo(snapshot.folder).absoluteFilePath() != QFileInfo(m_outDir).absoluteFilePath()
        || snapshot.cells.size() != m_view->plan().size())
        return; // another folder or plan than the table's
    int done = 0;
    for (const SweepCellStatus &c : snapshot.cells) {
        QString text = SweepCellStatus::stateName(c.state);
        if (c.state == SweepCellStatus::State::Running || c.state == SweepCellStatus::State::Stopped)
            text += tr(" %1/%2").arg(c.epochsDone).arg(c.epochs);
        if (!c.detail.isEmpty())
            text += QStringLiteral(" · ") + c.detail;
        if (c.state == SweepCellStatus::State::Done) {
            ++done;
            if (!m_view->hasResult(c.index) && c.result && c.result->bestEpoch > 0) {
                SweepResult r = *c.result;
                r.skipped = m_firstCellRead;               // finished before the folder was opened: "done earlier"
                m_view->runFinished(c.index, r, m_outDir); // its curve comes from its folder
            }
            continue;
        }
        m_view->setProgress(c.index, text, c.detail);
    }
    m_firstCellRead = false;
    m_collect->setToolTip(
        tr("%1 of %2 runs finished: write results.csv and table.md from them").arg(done).arg(snapshot.cells.size()));
}

void ExperimentsPanel::collect()
{
    const QString folder = m_outDir;
    m_collectJob.start([folder](const std::function<bool()> &) { return SweepCells::collect(folder); },
                       [this, folder](const SweepCells::Collection &c) {
                           QStringList missing;
                           for (const SweepCellStatus &s : c.missing.mid(0, 5))
                               missing << QStringLiteral("%1 (%2)").arg(s.name, SweepCellStatus::stateName(s.state));
                           m_status->setText(
                               tr("Collected %1 of %2 runs into %3/results.csv and table.md.%4")
                                   .arg(c.finished.size())
                                   .arg(c.finished.size() + c.missing.size())
                                   .arg(folder)
                                   .arg(missing.isEmpty()
                                            ? QString()
                                            : tr(" Not finished: %1%2")
                                                  .arg(missing.join(QStringLiteral(", ")),
                                                       c.missing.size() > 5 ? QStringLiteral(", …") : QString())));
                       },
                       [this](const QString &message) { m_status->setText(tr("Error: %1").arg(message)); });
}

} // namespace aestudio
