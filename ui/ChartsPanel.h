// Live loss and PSNR charts. Batch losses arrive at up to ~20 Hz and epoch metrics once an epoch; both are folded
// into a single redraw at most every 100 ms. Smoothing (EMA), log-y and "y from 0" are user toggles.
#pragma once

#include "RunRecord.h"
#include "TrainingTypes.h"

#include <QElapsedTimer>
#include <QPointF>
#include <QVector>
#include <QTimer>
#include <QWidget>

#include <array>

class QCheckBox;
class QSlider;
class QLabel;

namespace aestudio {

class LiveChart;

// The per-step smoothing of the loss curve, as TensorBoard computes it (with its debiasing).
struct DebiasedEma {
    double weight = 0.9;
    double last = 0;
    qint64 count = 0;
    double add(double value); // the smoothed value after `value`
};

class ChartsPanel : public QWidget {
    Q_OBJECT
public:
    // 10 Hz: smooth enough for loss curves; at 25 Hz the GUI thread's stroking took ~15% of a core, which on
    // a 2-core machine comes straight out of training throughput.
    static constexpr int kRedrawMs = 100;

    explicit ChartsPanel(QWidget *parent = nullptr);

    void clear();
    void truncateToEpoch(int epoch); // drops everything drawn after `epoch` ended (before a Continue)
    void addBatches(const QVector<BatchProgress> &reports); // a burst of trainer reports: one redraw
    void addEpoch(const EpochMetrics &m);
    void setHistory(const QVector<EpochMetrics> &history); // replaces everything (e.g. an opened checkpoint)
    // Keeps a finished run's validation loss and PSNR on both charts, in its own colour, for comparison with later
    // runs; the legend names it with its best epoch and value. Returns false for an empty history.
    bool pin(const QString &label, const QVector<EpochMetrics> &history);
    void clearPins();
    // Overlays these runs' curves (read from their folders) in place of any compared before.
    void compare(const QVector<RunRecord> &runs);
    int pinCount() const { return int(m_pinned.size()); }

    LiveChart *lossChart() const { return m_loss; }
    LiveChart *psnrChart() const { return m_psnr; }
    void flushNow();
    // The time scrubber's epoch as a vertical line on both charts; 0 removes it.
    void setCursorEpoch(int epoch);

Q_SIGNALS:
    void redrawn(); // once per folded redraw of both charts

private:
    void scheduleRedraw();
    void rebuildSmoothed();
    // The run's curves with the points each draws; the smoothed loss is left out, rebuildSmoothed() derives it.
    struct Curve {
        LiveChart *chart;
        int series;
        QVector<QPointF> *points;
    };
    std::array<Curve, 6> ownCurves();
    void showOwnCurves(); // hands every curve its points (and the smoothed one its own), then redraws

    LiveChart *m_loss;
    LiveChart *m_psnr;
    QSlider *m_smoothing;
    QLabel *m_smoothingValue;
    QCheckBox *m_logY;
    QCheckBox *m_fromZero;
    QTimer m_redraw;
    QElapsedTimer m_lastRedraw;
    int m_rawSeries, m_smoothSeries, m_trainSeries, m_valSeries;
    int m_psnrSeries, m_psnrMeanSeries, m_noisySeries;
    QVector<QPointF> m_raw, m_smooth, m_train, m_val, m_psnrPoints, m_psnrMeanPoints, m_noisyPoints; // m_raw: per step
    DebiasedEma m_ema;
    struct Pinned {
        QString label;
        QVector<EpochMetrics> history;
    };
    QVector<Pinned> m_pinned;
    void rebuildCharts();
};

} // namespace aestudio
