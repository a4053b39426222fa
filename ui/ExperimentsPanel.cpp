#include "ExperimentsPanel.h"

#include "Checkpoint.h"
#include "Errors.h"
#include "LiveChart.h"
#include "RunFiles.h"
#include "StudioTypes.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardPaths>
#include <QTableWidget>
#include <QVBoxLayout>

namespace aestudio {
namespace {

enum RunColumn { cName, cDepth, cLatent, cDropout, cL2, cProgress, cBestEpoch, cBestVal, cValPsnr, cTestPsnr, cCount };

// Adapts the core sweep observer (called on the sweep thread) to queued signals of plain data.
class SweepBridge : public QObject, public SweepObserver {
    Q_OBJECT
public:
    void runStarted(int i, const SweepSpec::Run &r) override { Q_EMIT started(i, r.name, r.config.epochs); }
    void runEpoch(int i, const EpochMetrics &m) override { Q_EMIT epoch(i, m); }
    void runFinished(int i, const SweepResult &r) override { Q_EMIT finished(i, r); }
Q_SIGNALS:
    void started(int index, const QString &name, int epochs);
    void epoch(int index, const aestudio::EpochMetrics &m);
    void finished(int index, const aestudio::SweepResult &r);
    void failed(const QString &message);
    void done();
};

QTableWidgetItem *numberItem(double v, int decimals)
{
    auto *item = new QTableWidgetItem;
    item->setData(Qt::DisplayRole, QString::number(v, 'f', decimals).toDouble()); // numeric sort
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

QVector<double> parseList(const QLineEdit *edit, const QString &what)
{
    QVector<double> out;
    for (const QString &part : edit->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        out << part.trimmed().toDouble(&ok);
        if (!ok)
            throw ConfigError(QObject::tr("%1: '%2' is not a number").arg(what, part.trimmed()));
    }
    if (out.isEmpty())
        throw ConfigError(QObject::tr("%1: give at least one value").arg(what));
    return out;
}

} // namespace

ExperimentsPanel::ExperimentsPanel(QWidget *parent) : QWidget(parent)
{
    qRegisterMetaType<SweepResult>();
    m_depths = new QLineEdit(QStringLiteral("3,5"));
    m_latents = new QLineEdit(QStringLiteral("15,30,50,100"));
    m_dropouts = new QLineEdit(QStringLiteral("0,0.2"));
    m_weightDecays = new QLineEdit(QStringLiteral("0"));
    m_depths->setObjectName(QStringLiteral("depths"));
    m_latents->setObjectName(QStringLiteral("latents"));
    m_dropouts->setObjectName(QStringLiteral("dropouts"));
    m_weightDecays->setObjectName(QStringLiteral("weightDecays"));
    m_epochs = new QSpinBox;
    m_epochs->setObjectName(QStringLiteral("sweepEpochs"));
    m_epochs->setRange(1, 1000);
    m_epochs->setValue(20);
    m_epochsRegularised = new QSpinBox;
    m_epochsRegularised->setRange(0, 1000);
    m_epochsRegularised->setSpecialValueText(tr("same"));
    m_epochsRegularised->setValue(15);
    m_jobs = new QSpinBox;
    m_jobs->setRange(1, 8);
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

    auto *form = new QFormLayout;
    form->addRow(tr("Depths"), m_depths);
    form->addRow(tr("Latent dims"), m_latents);
    form->addRow(tr("Dropouts"), m_dropouts);
    form->addRow(tr("L2 weight decays"), m_weightDecays);
    form->addRow(tr("Epochs"), m_epochs);
    form->addRow(tr("Epochs (regularised)"), m_epochsRegularised);
    form->addRow(tr("Runs at once"), m_jobs);
    auto *folderRow = new QHBoxLayout;
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(chooseFolder);
    form->addRow(tr("Output"), folderRow);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(preset);
    buttons->addStretch(1);
    buttons->addWidget(m_queue);
    buttons->addWidget(m_stop);
    auto *left = new QVBoxLayout;
    left->addLayout(form);
    left->addLayout(buttons);
    left->addWidget(m_status);
    left->addWidget(diff);
    left->addWidget(m_diff);

    m_runs = new QTableWidget(0, cCount);
    m_runs->setObjectName(QStringLiteral("runTable"));
    m_runs->setHorizontalHeaderLabels({tr("Run"), tr("Depth"), tr("Latent"), tr("Dropout"), tr("L2"), tr("Progress"),
                                       tr("Best epoch"), tr("Best val loss"), tr("Val PSNR (dB)"), tr("Test PSNR (dB)")});
    m_runs->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_runs->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_runs->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_runs->setToolTip(tr("Double-click a finished run to open it in the studio"));
    m_pivot = new QTableWidget;
    m_pivot->setObjectName(QStringLiteral("pivotTable"));
    m_pivot->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_pivot->setToolTip(tr("Best validation loss per model type and latent dim; the best of each row is highlighted"));
    m_curves = new LiveChart(tr("Validation loss per run"), tr("epoch"), tr("val loss"));

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

    setOutputFolder(QDir(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation))
                        .filePath(QStringLiteral("experiments/") + QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"))));
    setRunning(false);
    connect(preset, &QPushButton::clicked, this, &ExperimentsPanel::useSeedStudyPreset);
    connect(chooseFolder, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Sweep output folder"), m_outDir);
        if (!dir.isEmpty())
            setOutputFolder(dir);
    });
    connect(m_queue, &QPushButton::clicked, this, &ExperimentsPanel::queue);
    connect(diff, &QPushButton::clicked, this, [this] {
        const QString text = diffSelected();
        m_diff->setText(text.isEmpty() ? tr("Select two or more runs with different settings.") : text);
    });
    connect(m_stop, &QPushButton::clicked, this, &ExperimentsPanel::stop);
    connect(m_runs, &QTableWidget::cellDoubleClicked, this, [this](int row, int) {
        const QString name = m_runs->item(row, cName)->text();
        const QString checkpoint = QDir(m_outDir).filePath(name + QStringLiteral("/best.aes"));
        if (QFile::exists(checkpoint))
            Q_EMIT openRun(checkpoint);
    });
}

ExperimentsPanel::~ExperimentsPanel()
{
    if (m_thread) {
        m_control->requestStop();
        m_thread->quit();
        m_thread->wait();
    }
}

void ExperimentsPanel::setOutputFolder(const QString &folder)
{
    m_outDir = folder;
    m_folder->setText(folder);
}

void ExperimentsPanel::useSeedStudyPreset()
{
    m_depths->setText(QStringLiteral("3,5"));
    m_latents->setText(QStringLiteral("15,30,50,100"));
    m_dropouts->setText(QStringLiteral("0,0.2"));
    m_weightDecays->setText(QStringLiteral("0"));
    m_epochs->setValue(20);
    m_epochsRegularised->setValue(15);
    m_base.noise.level = 0.0; // Table 1.1 trains plain autoencoders on clean inputs
    m_status->setText(tr("The seed study's Table 1.1: 16 runs on clean inputs."));
}

SweepSpec ExperimentsPanel::spec() const
{
    SweepSpec s;
    s.base = m_base;
    s.depths.clear();
    for (double d : parseList(m_depths, tr("Depths")))
        s.depths << int(d);
    s.latents.clear();
    for (double l : parseList(m_latents, tr("Latent dims")))
        s.latents << int(l);
    s.dropouts = parseList(m_dropouts, tr("Dropouts"));
    s.weightDecays = parseList(m_weightDecays, tr("L2 weight decays"));
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
    for (QWidget *w : {static_cast<QWidget *>(m_depths), static_cast<QWidget *>(m_latents),
                       static_cast<QWidget *>(m_dropouts), static_cast<QWidget *>(m_weightDecays),
                       static_cast<QWidget *>(m_epochs), static_cast<QWidget *>(m_epochsRegularised),
                       static_cast<QWidget *>(m_jobs)})
        w->setEnabled(!running);
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
    m_plan = s.runs();
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
        m_curveSeries << m_curves->addSeries(m_plan[i].name, QColor::fromHsv((i * 360 / std::max(1, int(m_plan.size()))) % 360, 200, 200), 1.5);

    m_control = std::make_shared<RunControl>();
    auto *bridge = new SweepBridge;
    auto *thread = new QThread(this);
    bridge->moveToThread(thread);
    const QString out = m_outDir;
    auto control = m_control;
    connect(thread, &QThread::started, bridge, [bridge, s, out, control] {
        try {
            Sweep sweep(s, out);
            const QVector<SweepResult> results = sweep.run(*bridge, *control);
            RunFiles::writeFile(QDir(out).filePath(QStringLiteral("results.csv")), Sweep::resultsCsv(results));
            RunFiles::writeFile(QDir(out).filePath(QStringLiteral("table.md")), Sweep::tableMarkdown(results).toUtf8());
        } catch (const std::exception &e) {
            Q_EMIT bridge->failed(describeError(e));
        }
        Q_EMIT bridge->done();
    });
    connect(bridge, &SweepBridge::done, thread, &QThread::quit);
    connect(thread, &QThread::finished, bridge, &QObject::deleteLater);
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    connect(bridge, &SweepBridge::started, this, &ExperimentsPanel::onRunStarted);
    connect(bridge, &SweepBridge::epoch, this, &ExperimentsPanel::onRunEpoch);
    connect(bridge, &SweepBridge::finished, this, &ExperimentsPanel::onRunFinished);
    connect(bridge, &SweepBridge::failed, this, [this](const QString &m) { m_status->setText(tr("Error: %1").arg(m)); });
    connect(thread, &QThread::finished, this, [this] {
        setRunning(false);
        m_runs->setSortingEnabled(true);
        if (!m_status->text().startsWith(tr("Error")))
            m_status->setText(m_control->stopRequested() ? tr("Stopped; queue again to continue where it stopped.")
                                                         : tr("Done: results.csv and table.md in the output folder."));
        Q_EMIT sweepFinished();
    });
    m_thread = thread;
    setRunning(true);
    m_status->setText(tr("Running %1 runs…").arg(m_plan.size()));
    thread->start();
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
            values << (v.isDouble() ? QString::number(v.toDouble()) : v.isString() ? v.toString()
                                                                                    : QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact)));
        }
        if (values.count(values.first()) != values.size())
            lines << QStringLiteral("%1: %2").arg(key, values.join(QStringLiteral(" | ")));
    }
    return lines.join(QLatin1Char('\n'));
}

void ExperimentsPanel::stop()
{
    if (m_control)
        m_control->requestStop();
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
    if (r.skipped) {
        // The curve of a run finished by an earlier sweep comes from its checkpoint's history.
        try {
            const CheckpointInfo info = Checkpoint::readInfo(QDir(m_outDir).filePath(r.name + QStringLiteral("/checkpoint.aes")));
            for (const EpochMetrics &m : info.history)
                m_curvePoints[index].append(QPointF(m.epoch, m.valLoss));
            m_curves->setPoints(m_curveSeries[index], m_curvePoints[index]);
            m_curves->flush();
        } catch (const StudioError &) {
            // no curve for this run; its numbers are still shown
        }
    }
    m_runs->setItem(index, cBestEpoch, numberItem(r.bestEpoch, 0));
    m_runs->setItem(index, cBestVal, numberItem(r.bestValLoss, 5));
    m_runs->setItem(index, cValPsnr, numberItem(r.valPsnrGlobalDb, 2));
    m_runs->setItem(index, cTestPsnr, numberItem(r.testPsnrGlobalDb, 2));
    rebuildPivot();
}

void ExperimentsPanel::rebuildPivot()
{
    QStringList rows;
    QVector<int> latents;
    for (const SweepResult &r : std::as_const(m_results)) {
        if (r.bestEpoch == 0)
            continue;
        if (!rows.contains(r.rowLabel()))
            rows << r.rowLabel();
        if (!latents.contains(r.config.model.latent))
            latents << r.config.model.latent;
    }
    std::sort(latents.begin(), latents.end());
    m_pivot->clear();
    m_pivot->setRowCount(rows.size());
    m_pivot->setColumnCount(latents.size() + 1);
    QStringList headers;
    for (int l : latents)
        headers << QString::number(l);
    headers << tr("Best latent");
    m_pivot->setHorizontalHeaderLabels(headers);
    m_pivot->setVerticalHeaderLabels(rows);
    for (int row = 0; row < rows.size(); ++row) {
        int bestCol = -1;
        double best = 0;
        for (const SweepResult &r : std::as_const(m_results)) {
            if (r.bestEpoch == 0 || r.rowLabel() != rows[row])
                continue;
            const int col = latents.indexOf(r.config.model.latent);
            m_pivot->setItem(row, col, numberItem(r.bestValLoss, 4));
            if (bestCol < 0 || r.bestValLoss < best) {
                best = r.bestValLoss;
                bestCol = col;
            }
        }
        if (bestCol >= 0) {
            QTableWidgetItem *item = m_pivot->item(row, bestCol);
            item->setBackground(QColor(198, 239, 206));
            QFont f = item->font();
            f.setBold(true);
            item->setFont(f);
            m_pivot->setItem(row, latents.size(), new QTableWidgetItem(QString::number(latents[bestCol])));
        }
    }
    m_pivot->resizeColumnsToContents();
}

} // namespace aestudio

#include "ExperimentsPanel.moc"
