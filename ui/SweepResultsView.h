// The Experiments page's results: a sortable table of the sweep's runs, the seed's Table 1.1 as a pivot (best cell
// of each row highlighted) and every run's validation-loss curve. It creates the three widgets as children of the page,
// which lays them out.
#pragma once

#include "Sweep.h"
#include "TrainingConfig.h"

#include <QObject>
#include <QPointF>
#include <QVector>

class QTableWidget;
class QWidget;

namespace aestudio {

class LiveChart;

class SweepResultsView : public QObject {
    Q_OBJECT
public:
    explicit SweepResultsView(QWidget *parent);

    QTableWidget *runTable() const { return m_runs; }
    QTableWidget *pivotTable() const { return m_pivot; }
    LiveChart *curves() const { return m_curves; }

    // One "queued" row and an empty curve per run; clears what was shown.
    void setPlan(const QVector<SweepSpec::Run> &plan);
    const QVector<SweepSpec::Run> &plan() const { return m_plan; }
    void setSortingEnabled(bool enabled);

    void runStarted(int index, int epochs);
    void runEpoch(int index, const EpochMetrics &m);
    // A run's results; its curve is read from sweepFolder/<name> when no epoch of it was reported here.
    void runFinished(int index, const SweepResult &r, const QString &sweepFolder);
    bool hasResult(int index) const { return m_results[index].bestEpoch > 0; }
    void setProgress(int index, const QString &text, const QString &toolTip);

    // The settings that differ between the selected runs ("latent: 15 | 30"), one per line; empty if they agree.
    QString diffSelected() const;

Q_SIGNALS:
    void runActivated(const QString &name); // double-click or Enter on a run's row

private:
    void rebuildPivot();

    QTableWidget *m_runs, *m_pivot;
    LiveChart *m_curves;
    QVector<SweepSpec::Run> m_plan;
    QVector<SweepResult> m_results;
    QVector<QVector<QPointF>> m_curvePoints;
    QVector<int> m_curveSeries;
};

} // namespace aestudio
