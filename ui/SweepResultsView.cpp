#include "SweepResultsView.h"

#include "EnterKey.h"

#include "LiveChart.h"
#include "RunRecord.h"

#include <QDir>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTableWidget>

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

SweepResultsView::SweepResultsView(QWidget *parent)
    : QObject(parent), m_runs(new QTableWidget(0, cCount, parent)), m_pivot(new QTableWidget(parent)),
      m_curves(new LiveChart(tr("Validation loss per run"), tr("epoch"), tr("val loss"), parent))
{
    m_curves->setWholeX(true); // epochs
    m_runs->setObjectName(QStringLiteral("runTable"));
    m_runs->setHorizontalHeaderLabels({tr("Run"), tr("Depth"), tr("Latent"), tr("Dropout"), tr("L2"), tr("Progress"),
                                       tr("Best epoch"), tr("Best val loss"), tr("Val PSNR, global (dB)"),
                                       tr("Test PSNR, global (dB)")});
    m_runs->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_runs->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_runs->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_runs->setToolTip(tr("Double-click a run to open it in the studio"));
    m_pivot->setObjectName(QStringLiteral("pivotTable"));
    m_pivot->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_pivot->setToolTip(tr("Best validation loss per model type and latent dim; the best of each row is highlighted"));

    auto activate = [this](int row) {
        if (row >= 0 && m_runs->item(row, cName))
            Q_EMIT runActivated(m_runs->item(row, cName)->text());
    };
    connect(m_runs, &QTableWidget::cellDoubleClicked, this, [activate](int row, int) { activate(row); });
    onEnterKey(m_runs, this, [this, activate] { activate(m_runs->currentRow()); });
}

void SweepResultsView::setPlan(const QVector<SweepSpec::Run> &plan)
{
    m_plan = plan;
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
    rebuildPivot();
}

void SweepResultsView::setSortingEnabled(bool enabled)
{
    m_runs->setSortingEnabled(enabled);
}

void SweepResultsView::runStarted(int index, int epochs)
{
    m_runs->item(index, cProgress)->setText(tr("epoch 0/%1").arg(epochs));
}

void SweepResultsView::runEpoch(int index, const EpochMetrics &m)
{
    m_runs->item(index, cProgress)->setText(tr("epoch %1/%2").arg(m.epoch).arg(m_plan[index].config.epochs));
    m_curvePoints[index].append(QPointF(m.epoch, m.valLoss));
    m_curves->setPoints(m_curveSeries[index], m_curvePoints[index]);
    m_curves->flush();
}

void SweepResultsView::runFinished(int index, const SweepResult &r, const QString &sweepFolder)
{
    m_results[index] = r;
    m_runs->item(index, cProgress)->setText(r.skipped ? tr("done earlier") : tr("done"));
    m_runs->item(index, cProgress)->setToolTip(QString());
    if (m_curvePoints[index].isEmpty()) { // finished by an earlier sweep, or elsewhere: no epochs were reported here
        for (const EpochMetrics &m : RunRecord::read(QDir(sweepFolder).filePath(r.name)).history)
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

void SweepResultsView::setProgress(int index, const QString &text, const QString &toolTip)
{
    m_runs->item(index, cProgress)->setText(text);
    m_runs->item(index, cProgress)->setToolTip(toolTip);
}

QString SweepResultsView::diffSelected() const
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

void SweepResultsView::rebuildPivot()
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

} // namespace aestudio
