#include "ExperimentsPanel.h"

#include "EnterKey.h"
#include "FileDialogs.h"
#include "SweepBaseFields.h"

#include "Errors.h"
#include "LiveChart.h"
#include "RunDirectory.h"
#include "RunRecord.h"
#include "Slurm.h"
#include "SlurmOptionsBox.h"
#include "SweepPlan.h"
#include "StudioSettings.h"
#include "SweepSession.h"
#include "StudioTypes.h"

#include <QComboBox>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QDesktopServices>
#include <QSettings>
#include <QUrl>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace aestudio {
namespace {

enum RunColumn { cName, cDepth, cLatent, cDropout, cL2, cProgress, cBestEpoch, cBestVal, cValPsnr, cTestPsnr, cCount };

QTableWidgetItem *numberItem(double v, int decimals)
{
    auto *item = new QTableWidgetItem;
    item->setData(Qt::DisplayRole, QString::number(v, 'f', decimals).toDouble()); // numeric sort
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

} // namespace

ExperimentsPanel::ExperimentsPanel(QWidget *parent)
    : QWidget(parent), m_watcher(new SweepWatcher(this)), m_session(new SweepSession(this))
{
    auto *left = buildForm();
    buildTables();
    auto *topRow = new QHBoxLayout;
    topRow->addLayout(left, 0);
    topRow->addWidget(m_pivot, 1);
    auto *split = new QSplitter(Qt::Vertical);
    auto *top = new QWidget;
    top->setLayout(topRow);
    split->addWidget(top);
    split->addWidget(m_runs);
    split->addWidget(m_curves);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(split);

    // Beside the other runs, so the Runs browser lists the sweep's cells too.
    setOutputFolder(QDir(RunDirectory::defaultRoot())
                        .filePath(QDateTime::currentDateTime().toString(QStringLiteral("yyyy-MM-dd-HHmmss"))
                                  + QStringLiteral("-sweep")));
    loadForm();
    setRunning(false);
    auto openRow = [this](int row) {
        if (row < 0 || !m_runs->item(row, cName))
            return;
        const QString folder = QDir(m_outDir).filePath(m_runs->item(row, cName)->text());
        if (QFileInfo::exists(QDir(folder).filePath(QStringLiteral("checkpoint.aes"))))
            Q_EMIT openRun(folder);
    };
    connect(m_runs, &QTableWidget::cellDoubleClicked, this, [openRow](int row, int) { openRow(row); });
    onEnterKey(m_runs, this, [this, openRow] { openRow(m_runs->currentRow()); });
    connect(m_watcher, &SweepWatcher::updated, this, &ExperimentsPanel::showCells);
    connect(m_watcher, &SweepWatcher::failed, this,
            [this](const QString &m) { m_status->setText(tr("Cannot read the sweep folder: %1").arg(m)); });
    connect(m_session, &SweepSession::layoutChosen, this, [this](const QString &layout) {
        m_status->setText(tr("Running %1 runs: %2.").arg(m_plan.size()).arg(layout));
    });
    connect(m_session, &SweepSession::runStarted, this, &ExperimentsPanel::onRunStarted);
    connect(m_session, &SweepSession::runEpoch, this, &ExperimentsPanel::onRunEpoch);
    connect(m_session, &SweepSession::runFinished, this, &ExperimentsPanel::onRunFinished);
    connect(m_session, &SweepSession::failed, this, [this](const QString &m) {
        m_failed = true;
        m_status->setText(tr("Error: %1").arg(m));
    });
    connect(m_session, &SweepSession::finished, this, [this](bool stopped) {
        setRunning(false);
        m_runs->setSortingEnabled(true);
        if (!m_failed)
            m_status->setText(stopped ? tr("Stopped; queue again to continue where it stopped.")
                                      : tr("Done: results.csv and table.md in the output folder."));
        Q_EMIT sweepFinished();
    });
}

QLayout *ExperimentsPanel::buildForm()
{
    auto edit = [](const QString &name) {
        auto *e = new QLineEdit;
        e->setObjectName(name);
        return e;
    };
    m_depths = edit(QStringLiteral("depths"));
    m_latents = edit(QStringLiteral("latents"));
    m_dropouts = edit(QStringLiteral("dropouts"));
    m_weightDecays = edit(QStringLiteral("weightDecays"));
    m_epochs = new QSpinBox;
    m_epochs->setObjectName(QStringLiteral("sweepEpochs"));
    m_epochs->setRange(1, 1000);
    m_epochsRegularised = new QSpinBox;
    m_epochsRegularised->setRange(0, 1000);
    m_epochsRegularised->setSpecialValueText(tr("same"));
    showGrid(SweepSpec::seedStudy(m_base));
    m_jobs = new QSpinBox;
    m_jobs->setObjectName(QStringLiteral("sweepJobs"));
    m_jobs->setRange(0, 8);
    m_jobs->setSpecialValueText(tr("auto (measured)"));
    m_jobs->setValue(0); // auto by default, as in the CLI
    m_jobs->setToolTip(tr("Auto times the first run both ways before the sweep starts, one run with all threads "
                          "and one run per thread, and takes the faster."));
    m_folder = new QLabel;
    m_folder->setWordWrap(true);
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
    m_baseFields = new SweepBaseFields(this);
    m_runOn = new QComboBox;
    m_runOn->setObjectName(QStringLiteral("runOn"));
    m_runOn->addItems({tr("this machine"), tr("Slurm")});
    m_runOn->setToolTip(tr("Slurm: one job array task per run, on the cluster this machine submits to; the folder "
                           "must be on storage the nodes share"));
    m_slurm = new SlurmOptionsBox;
    m_slurm->hide();
    m_collect = new QPushButton(tr("Collect"));
    m_collect->setObjectName(QStringLiteral("collect"));
    m_collect->setToolTip(tr("Write results.csv and table.md from the runs finished so far, and list the others"));

    auto *form = new QFormLayout;
    m_baseFields->addRows(form);
    form->addRow(tr("Depths"), m_depths);
    form->addRow(tr("Latent dims"), m_latents);
    form->addRow(tr("Dropouts"), m_dropouts);
    form->addRow(tr("L2 weight decays"), m_weightDecays);
    form->addRow(tr("Epochs"), m_epochs);
    form->addRow(tr("Epochs (regularised)"), m_epochsRegularised);
    form->addRow(tr("Runs at once"), m_jobs);
    form->addRow(tr("Run on"), m_runOn);
    auto *folderRow = new QHBoxLayout;
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(chooseFolder);
    folderRow->addWidget(revealFolder);
    form->addRow(tr("Output"), folderRow);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(preset);
    buttons->addWidget(openSweepButton);
    buttons->addStretch(1);
    buttons->addWidget(m_collect);
    buttons->addWidget(m_queue);
    buttons->addWidget(m_stop);
    auto *left = new QVBoxLayout;
    left->addLayout(form);
    left->addWidget(m_slurm);
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
    connect(m_baseFields, &SweepBaseFields::changed, this, [this] {
        if (!m_showingBase)
            m_baseEdited = true;
    });
    connect(m_queue, &QPushButton::clicked, this, &ExperimentsPanel::queue);
    connect(m_collect, &QPushButton::clicked, this, &ExperimentsPanel::collect);
    connect(m_runOn, &QComboBox::currentIndexChanged, this, [this](int i) { setRunOnSlurm(i == 1); });
    connect(m_stop, &QPushButton::clicked, this, &ExperimentsPanel::stop);
    connect(diff, &QPushButton::clicked, this, [this] {
        const QString text = diffSelected();
        m_diff->setText(text.isEmpty() ? tr("Select two or more runs with different settings.") : text);
    });
    return left;
}

void ExperimentsPanel::buildTables()
{
    m_runs = new QTableWidget(0, cCount);
    m_runs->setObjectName(QStringLiteral("runTable"));
    m_runs->setHorizontalHeaderLabels({tr("Run"), tr("Depth"), tr("Latent"), tr("Dropout"), tr("L2"), tr("Progress"),
                                       tr("Best epoch"), tr("Best val loss"), tr("Val PSNR, global (dB)"),
                                       tr("Test PSNR, global (dB)")});
    m_runs->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_runs->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_runs->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_runs->setToolTip(tr("Double-click a run to open it in the studio"));
    m_pivot = new QTableWidget;
    m_pivot->setObjectName(QStringLiteral("pivotTable"));
    m_pivot->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_pivot->setToolTip(tr("Best validation loss per model type and latent dim; the best of each row is highlighted"));
    m_curves = new LiveChart(tr("Validation loss per run"), tr("epoch"), tr("val loss"));
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
    m_folder->setText(QDir::toNativeSeparators(QFileInfo(folder).absoluteFilePath()));
}

void ExperimentsPanel::setBase(const TrainingConfig &base)
{
    m_base = base;
    if (!m_baseEdited) {
        m_showingBase = true;
        m_baseFields->show(base);
        m_showingBase = false;
    }
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
    m_plan.clear();
    for (const SweepResult &r : std::as_const(results))
        m_plan.append({r.name, r.config});
    // The form takes the sweep's grid and shared settings, so Queue grid continues this very sweep.
    if (!results.isEmpty()) {
        const SweepSpec grid = SweepSpec::ofResults(results);
        showGrid(grid);
        m_showingBase = true;
        m_baseFields->show(grid.base);
        m_showingBase = false;
        m_baseEdited = true;
    }
    fillPlan();
    for (int i = 0; i < results.size(); ++i)
        onRunFinished(i, results[i]);
    m_runs->setSortingEnabled(true);
    m_status->setText(
        tr("%n finished run(s) read from %1; Queue grid continues this sweep.", nullptr, int(results.size()))
            .arg(folder));
}

void ExperimentsPanel::refreshDatasets()
{
    m_baseFields->refreshDatasets();
}

void ExperimentsPanel::saveForm() const
{
    QSettings settings;
    StudioSettings::saveSweepForm(settings, spec()); // queue() has validated it
}

void ExperimentsPanel::loadForm()
{
    QSettings settings;
    SweepSpec form = spec();
    form.base = m_baseFields->applyTo(m_base);
    const bool saved = StudioSettings::loadSweepForm(settings, form);
    showGrid(form);
    m_jobs->setValue(form.jobs);
    if (saved) {
        m_showingBase = true;
        m_baseFields->show(form.base);
        m_showingBase = false;
        m_baseEdited = true;
    }
}

void ExperimentsPanel::showGrid(const SweepSpec &s)
{
    auto list = [](const auto &values) { return SweepSpec::formatList(QVector<double>(values.begin(), values.end())); };
    m_depths->setText(list(s.depths));
    m_latents->setText(list(s.latents));
    m_dropouts->setText(list(s.dropouts));
    m_weightDecays->setText(list(s.weightDecays));
    m_epochs->setValue(s.epochs);
    m_epochsRegularised->setValue(s.epochsRegularised);
}

void ExperimentsPanel::useSeedStudyPreset()
{
    const SweepSpec seed = SweepSpec::seedStudy(m_baseFields->applyTo(m_base));
    showGrid(seed);
    m_showingBase = true;
    m_baseFields->show(seed.base); // Table 1.1 trains plain autoencoders on clean inputs
    m_showingBase = false;
    m_baseEdited = true;
    m_status->setText(tr("The seed study's Table 1.1: %1 runs on clean inputs.").arg(seed.runs().size()));
}

SweepSpec ExperimentsPanel::spec() const
{
    SweepSpec s;
    s.base = m_baseFields->applyTo(m_base);
    s.depths.clear();
    for (double d : SweepSpec::parseList(m_depths->text(), tr("Depths")))
        s.depths << int(d);
    s.latents.clear();
    for (double l : SweepSpec::parseList(m_latents->text(), tr("Latent dims")))
        s.latents << int(l);
    s.dropouts = SweepSpec::parseList(m_dropouts->text(), tr("Dropouts"));
    s.weightDecays = SweepSpec::parseList(m_weightDecays->text(), tr("L2 weight decays"));
    s.epochs = m_epochs->value();
    s.epochsRegularised = m_epochsRegularised->value();
    s.jobs = m_jobs->value();
    s.threads = m_base.threads;
    s.runs(); // validates every cell (depth 4, latent 0, ... throw ConfigError)
    return s;
}

void ExperimentsPanel::setRunning(bool running)
{
    m_queue->setEnabled(!running);
    m_stop->setEnabled(running);
    for (QWidget *w :
         {static_cast<QWidget *>(m_depths), static_cast<QWidget *>(m_latents), static_cast<QWidget *>(m_dropouts),
          static_cast<QWidget *>(m_weightDecays), static_cast<QWidget *>(m_epochs),
          static_cast<QWidget *>(m_epochsRegularised), static_cast<QWidget *>(m_jobs)})
        w->setEnabled(!running);
    m_baseFields->setEnabled(!running);
    m_openSweep->setEnabled(!running);
    m_runOn->setEnabled(!running);
    m_collect->setEnabled(!running);
    m_jobs->setEnabled(!running && m_runOn->currentIndex() == 0);
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
    saveForm();
    m_plan = s.runs();
    fillPlan();
    m_failed = false;
    if (m_runOn->currentIndex() == 1) {
        submitToSlurm(s);
        return;
    }
    m_watcher->stop(); // this sweep reports itself
    setRunning(true);
    m_status->setText(m_jobs->value() == 0
                          ? tr("Running %1 runs… First timing the longest one both ways (one run with all threads, "
                               "one run per thread) to choose how many run at once.")
                                .arg(m_plan.size())
                          : tr("Running %1 runs…").arg(m_plan.size()));
    m_session->start(s, m_outDir);
}

void ExperimentsPanel::fillPlan()
{
    m_results = QVector<SweepResult>(m_plan.size());
    m_curvePoints = QVector<QVector<QPointF>>(m_plan.size());
    m_runs->setSortingEnabled(false);
    m_runs->setRowCount(m_plan.size());
    for (int i = 0; i < m_plan.size(); ++i) {
        const TrainingConfig &c = m_plan[i].config;
        m_runs->setItem(i, cName, new QTableWidgetItem(m_plan[i].name));
        m_runs->setItem(i, cDepth, numberItem(c.model.depth(), 0));
        m_runs->setItem(i, cLatent, numberItem(c.model.latent, 0));
        m_runs->setItem(i, cDropout, numberItem(c.model.dropout, 2));
        m_runs->setItem(i, cL2, new QTableWidgetItem(QString::number(c.weightDecay)));
        m_runs->setItem(i, cProgress, new QTableWidgetItem(tr("queued")));
        for (int col = cBestEpoch; col < cCount; ++col)
            m_runs->setItem(i, col, new QTableWidgetItem);
    }
    m_curves->removeAllSeries();
    m_curveSeries.clear();
    for (int i = 0; i < m_plan.size(); ++i)
        m_curveSeries << m_curves->addSeries(
            m_plan[i].name, QColor::fromHsv((i * 360 / std::max(1, int(m_plan.size()))) % 360, 200, 200), 1.5);
}

QString ExperimentsPanel::diffSelected() const
{
    QVector<QJsonObject> configs;
    for (const QModelIndex &index : m_runs->selectionModel()->selectedRows()) {
        const QString name = m_runs->item(index.row(), cName)->text();
        for (const SweepSpec::Run &run : m_plan)
            if (run.name == name)
                configs << run.config.toJson();
    }
    if (configs.size() < 2)
        return {};
    QStringList lines;
    for (const QString &key : configs.first().keys()) {
        QStringList values;
        for (const QJsonObject &c : configs) {
            const QJsonValue v = c.value(key);
            values << (v.isDouble() ? QString::number(v.toDouble())
                           : v.isString()
                           ? v.toString()
                           : QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact)));
        }
        if (values.count(values.first()) != values.size())
            lines << QStringLiteral("%1: %2").arg(key, values.join(QStringLiteral(" | ")));
    }
    return lines.join(QLatin1Char('\n'));
}

void ExperimentsPanel::stop()
{
    m_session->stop();
}

void ExperimentsPanel::onRunStarted(int index, const QString &, int epochs)
{
    m_runs->item(index, cProgress)->setText(tr("epoch 0/%1").arg(epochs));
}

void ExperimentsPanel::onRunEpoch(int index, const EpochMetrics &m)
{
    m_runs->item(index, cProgress)->setText(tr("epoch %1/%2").arg(m.epoch).arg(m_plan[index].config.epochs));
    m_curvePoints[index].append(QPointF(m.epoch, m.valLoss));
    m_curves->setPoints(m_curveSeries[index], m_curvePoints[index]);
    m_curves->flush();
}

void ExperimentsPanel::onRunFinished(int index, const SweepResult &r)
{
    m_results[index] = r;
    m_runs->item(index, cProgress)->setText(r.skipped ? tr("done earlier") : tr("done"));
    m_runs->item(index, cProgress)->setToolTip(QString());
    if (m_curvePoints[index].isEmpty()) { // finished by an earlier sweep, or elsewhere: no epochs were reported here
        // Its curve comes from its run folder.
        for (const EpochMetrics &m : RunRecord::read(QDir(m_outDir).filePath(r.name)).history)
            m_curvePoints[index].append(QPointF(m.epoch, m.valLoss));
        m_curves->setPoints(m_curveSeries[index], m_curvePoints[index]);
        m_curves->flush();
    }
    m_runs->setItem(index, cBestEpoch, numberItem(r.bestEpoch, 0));
    m_runs->setItem(index, cBestVal, numberItem(r.bestValLoss, 5));
    m_runs->setItem(index, cValPsnr, numberItem(r.valPsnrGlobalDb, 2));
    m_runs->setItem(index, cTestPsnr, numberItem(r.testPsnrGlobalDb, 2));
    rebuildPivot();
}

void ExperimentsPanel::rebuildPivot()
{
    const SweepPivot pivot = SweepPivot::of(m_results);
    m_pivot->clear();
    m_pivot->setRowCount(pivot.rows.size());
    m_pivot->setColumnCount(pivot.latents.size() + 1);
    QStringList headers;
    for (int l : pivot.latents)
        headers << QString::number(l);
    headers << tr("Best latent");
    m_pivot->setHorizontalHeaderLabels(headers);
    m_pivot->setVerticalHeaderLabels(pivot.rows);
    for (int row = 0; row < pivot.rows.size(); ++row) {
        const auto values = pivot.cells.value(pivot.rows[row]);
        for (auto it = values.begin(); it != values.end(); ++it)
            m_pivot->setItem(row, pivot.latents.indexOf(it.key()), numberItem(it.value(), 4));
        const int best = pivot.bestLatent(pivot.rows[row]);
        if (best < 0)
            continue;
        QTableWidgetItem *item = m_pivot->item(row, pivot.latents.indexOf(best));
        item->setBackground(QColor(198, 239, 206));
        QFont f = item->font();
        f.setBold(true);
        item->setFont(f);
        m_pivot->setItem(row, pivot.latents.size(), new QTableWidgetItem(QString::number(best)));
    }
    m_pivot->resizeColumnsToContents();
}

void ExperimentsPanel::setRunOnSlurm(bool slurm)
{
    m_runOn->setCurrentIndex(slurm ? 1 : 0);
    m_slurm->setVisible(slurm);
    m_jobs->setEnabled(!slurm && !running());
    m_queue->setText(slurm ? tr("Submit to Slurm") : tr("Queue grid"));
}

// The plan and scripts are written here; sbatch runs off the GUI thread; then the folder is watched.
void ExperimentsPanel::submitToSlurm(const SweepSpec &s)
{
    try {
        const Slurm::Options options = m_slurm->options();
        m_slurm->save();
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
    m_plan = plan.cells;
    const SweepSpec grid = SweepSpec::ofRuns(plan.cells);
    showGrid(grid);
    m_showingBase = true;
    m_baseFields->show(grid.base);
    m_showingBase = false;
    m_baseEdited = true;
    fillPlan();
    m_firstCellRead = true;
    m_status->setText(tr("Following %1 (%2 runs): the table fills in as runs finish, here or on a cluster.")
                          .arg(folder)
                          .arg(plan.cells.size()));
    m_watcher->watch(folder);
    return true;
}

void ExperimentsPanel::showCells(const SweepWatcher::Snapshot &snapshot)
{
    if (QFileInfo(snapshot.folder).absoluteFilePath() != QFileInfo(m_outDir).absoluteFilePath()
        || snapshot.cells.size() != m_plan.size() || m_runs->rowCount() != m_plan.size())
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
            if (m_results[c.index].bestEpoch == 0 && c.result && c.result->bestEpoch > 0) {
                SweepResult r = *c.result;
                r.skipped = m_firstCellRead; // finished before the folder was opened: "done earlier"
                onRunFinished(c.index, r);   // its curve comes from its folder
            }
            continue;
        }
        m_runs->item(c.index, cProgress)->setText(text);
        m_runs->item(c.index, cProgress)->setToolTip(c.detail);
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
