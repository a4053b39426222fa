#include "ChartsPanel.h"

#include <limits>

#include "LiveChart.h"
#include "Metrics.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QSplitter>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace aestudio {

ChartsPanel::ChartsPanel(QWidget *parent)
    : QWidget(parent), m_loss(new LiveChart(tr("Loss (MSE)"), tr("epoch"), tr("loss"))),
      m_psnr(new LiveChart(tr("Validation PSNR (validation set)"), tr("epoch"), tr("dB")))
{
    m_loss->setWholeX(true);
    m_psnr->setWholeX(true);
    m_loss->setObjectName(QStringLiteral("lossChart"));
    m_psnr->setObjectName(QStringLiteral("psnrChart"));
    m_loss->setPlaceholder(tr("Press Start (Ctrl+Return)"));
    m_psnr->setPlaceholder(tr("PSNR per epoch appears here"));
    m_smoothing = new QSlider(Qt::Horizontal);
    m_smoothing->setObjectName(QStringLiteral("smoothing"));
    m_smoothing->setRange(0, 99);
    m_smoothing->setMinimumWidth(80);
    m_smoothing->setValue(90);
    m_smoothing->setToolTip(
        tr("Exponential moving average of the batch loss, per optimizer step and debiased as TensorBoard does, so a "
           "value means the same on every machine"));
    m_smoothingValue = new QLabel(QStringLiteral("0.90"));
    m_logY = new QCheckBox(tr("Log y"));
    m_logY->setObjectName(QStringLiteral("logY"));
    m_fromZero = new QCheckBox(tr("y from 0"));

    auto *controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Smoothing")));
    controls->addWidget(m_smoothing, 1);
    controls->addWidget(m_smoothingValue);
    controls->addSpacing(12);
    controls->addWidget(m_logY);
    controls->addWidget(m_fromZero);

    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(m_loss);
    split->addWidget(m_psnr);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(controls);
    layout->addWidget(split, 1);

    rebuildCharts();
    m_redraw.setSingleShot(true);
    connect(&m_redraw, &QTimer::timeout, this, &ChartsPanel::flushNow);
    connect(m_smoothing, &QSlider::valueChanged, this, [this](int v) {
        m_smoothingValue->setText(QString::number(v / 100.0, 'f', 2));
        rebuildSmoothed();
        scheduleRedraw();
    });
    // Loss only: decibels are already a logarithm.
    m_logY->setToolTip(tr("Logarithmic loss axis (the PSNR chart is in dB, already logarithmic)"));
    connect(m_logY, &QCheckBox::toggled, this, [this](bool on) { m_loss->setLogY(on); });
    connect(m_fromZero, &QCheckBox::toggled, this, [this](bool on) {
        m_loss->setYFromZero(on);
        m_psnr->setYFromZero(on);
    });
}

std::array<ChartsPanel::Curve, 6> ChartsPanel::ownCurves()
{
    return {{{m_loss, m_rawSeries, &m_raw},
             {m_loss, m_trainSeries, &m_train},
             {m_loss, m_valSeries, &m_val},
             {m_psnr, m_psnrSeries, &m_psnrPoints},
             {m_psnr, m_psnrMeanSeries, &m_psnrMeanPoints},
             {m_psnr, m_noisySeries, &m_noisyPoints}}};
}

void ChartsPanel::showOwnCurves()
{
    for (const Curve &c : ownCurves())
        c.chart->setPoints(c.series, *c.points);
    rebuildSmoothed();
    scheduleRedraw();
}

void ChartsPanel::clear()
{
    for (const Curve &c : ownCurves())
        c.points->clear();
    showOwnCurves();
}

void ChartsPanel::truncateToEpoch(int epoch)
{
    auto after = [epoch](const QPointF &p) { return p.x() > epoch + 1e-9; };
    for (const Curve &c : ownCurves())
        c.points->erase(std::remove_if(c.points->begin(), c.points->end(), after), c.points->end());
    showOwnCurves();
}

void ChartsPanel::addBatches(const QVector<BatchProgress> &reports)
{
    // Every optimizer step becomes a point (the chart decimates what it draws), and the smoothing runs per step, so
    // its strength means the same whatever the machine's speed or the report rate.
    for (const BatchProgress &p : reports) {
        if (p.batches <= 0)
            continue;
        const QVector<float> steps = p.stepLosses.isEmpty() ? QVector<float>{float(p.loss)} : p.stepLosses;
        const int first = p.batch - int(steps.size()) + 1;
        for (int k = 0; k < steps.size(); ++k) {
            const QPointF point(p.epoch - 1 + double(first + k) / p.batches, steps[k]);
            m_raw.append(point);
            m_smooth.append(QPointF(point.x(), m_ema.add(point.y())));
        }
    }
    m_loss->setPoints(m_rawSeries, m_raw);
    m_loss->setPoints(m_smoothSeries, m_smooth);
    scheduleRedraw();
}

void ChartsPanel::addEpoch(const EpochMetrics &m)
{
    m_train.append(QPointF(m.epoch, m.trainLoss));
    m_val.append(QPointF(m.epoch, m.valLoss));
    m_psnrPoints.append(QPointF(m.epoch, m.valPsnrGlobalDb));
    m_psnrMeanPoints.append(QPointF(m.epoch, m.valPsnrDb));
    if (!isPsnrFloor(m.noisyPsnrDb)) // a clean input has no meaningful noisy PSNR
        m_noisyPoints.append(QPointF(m.epoch, m.noisyPsnrDb));
    m_loss->setPoints(m_trainSeries, m_train);
    m_loss->setPoints(m_valSeries, m_val);
    m_psnr->setPoints(m_psnrSeries, m_psnrPoints);
    m_psnr->setPoints(m_psnrMeanSeries, m_psnrMeanPoints);
    m_psnr->setPoints(m_noisySeries, m_noisyPoints);
    scheduleRedraw();
}

void ChartsPanel::setHistory(const QVector<EpochMetrics> &history)
{
    clear();
    for (const EpochMetrics &m : history)
        addEpoch(m);
}

bool ChartsPanel::pin(const QString &label, const QVector<EpochMetrics> &history)
{
    if (history.isEmpty())
        return false;
    m_pinned.append({label, history});
    const QColor colour = QColor::fromHsv((int(m_pinned.size()) * 83 + 200) % 360, 160, 170);
    const auto best
        = std::min_element(history.begin(), history.end(),
                           [](const EpochMetrics &a, const EpochMetrics &b) { return a.valLoss < b.valLoss; });
    const QString name = tr("%1 (best %2 @ %3)").arg(label).arg(best->valLoss, 0, 'f', 4).arg(best->epoch);
    QVector<QPointF> loss, psnr;
    for (const EpochMetrics &m : history) {
        loss.append(QPointF(m.epoch, m.valLoss));
        psnr.append(QPointF(m.epoch, m.valPsnrGlobalDb));
    }
    m_loss->setPoints(m_loss->addSeries(name, colour, 1.5, true), loss);
    m_psnr->setPoints(m_psnr->addSeries(name, colour, 1.5, true), psnr);
    scheduleRedraw();
    return true;
}

void ChartsPanel::compare(const QVector<RunRecord> &runs)
{
    clearPins();
    for (const RunRecord &r : runs)
        pin(r.name, r.history);
}

void ChartsPanel::clearPins()
{
    // Series beyond the live ones are pins; drop them all by rebuilding the live series.
    m_pinned.clear();
    rebuildCharts();
}

void ChartsPanel::rebuildCharts()
{
    m_loss->removeAllSeries();
    m_psnr->removeAllSeries();
    m_rawSeries = m_loss->addSeries(tr("batch loss"), QColor(52, 101, 164, 60), 1.0);
    m_smoothSeries = m_loss->addSeries(tr("smoothed"), QColor(52, 101, 164), 2.0);
    m_trainSeries = m_loss->addSeries(tr("train (epoch)"), QColor(245, 121, 0), 2.0, true);
    m_valSeries = m_loss->addSeries(tr("validation (epoch)"), QColor(204, 0, 0), 2.0, true);
    // The seed report's PSNR first: 10·log10(1/MSE) over the validation set; the mean of per-image PSNR beside it.
    m_psnrSeries = m_psnr->addSeries(tr("global"), QColor(78, 154, 6), 2.0, true);
    m_psnrMeanSeries = m_psnr->addSeries(tr("mean of images"), QColor(115, 210, 22), 1.0, true);
    m_noisySeries = m_psnr->addSeries(tr("noisy input"), QColor(136, 138, 133), 1.5, true);
    showOwnCurves();
}

double DebiasedEma::add(double value)
{
    // TensorBoard's smoothing: an EMA started at 0, divided by the weight it has gathered so far (1 - w^n), so the
    // first points are not pulled towards 0 and the curve starts on the data.
    last = last * weight + (1 - weight) * value;
    ++count;
    const double debias = 1 - std::pow(weight, double(count));
    return debias > 0 ? last / debias : value;
}

void ChartsPanel::rebuildSmoothed()
{
    m_ema = DebiasedEma{m_smoothing->value() / 100.0};
    m_smooth.clear();
    m_smooth.reserve(m_raw.size());
    for (const QPointF &p : std::as_const(m_raw))
        m_smooth.append(QPointF(p.x(), m_ema.add(p.y())));
    m_loss->setPoints(m_smoothSeries, m_smooth);
}

void ChartsPanel::scheduleRedraw()
{
    // Once the current burst of updates is handled (a 0 ms timer: same wake-up) if the last redraw is old enough,
    // else once the interval has passed.
    if (m_redraw.isActive())
        return;
    const qint64 since = m_lastRedraw.isValid() ? m_lastRedraw.elapsed() : kRedrawMs;
    m_redraw.start(int(std::max<qint64>(0, kRedrawMs - since)));
}

void ChartsPanel::flushNow()
{
    m_redraw.stop();
    m_lastRedraw.start();
    // The legend names only the curves drawn: a run opened from its folder has no per-step losses, and training on
    // clean input has no noisy-input PSNR.
    for (const Curve &c : ownCurves())
        c.chart->setSeriesInLegend(c.series, !c.points->isEmpty());
    m_loss->setSeriesInLegend(m_smoothSeries, !m_smooth.isEmpty());
    m_loss->flush();
    m_psnr->flush();
    Q_EMIT redrawn();
}

void ChartsPanel::setCursorEpoch(int epoch)
{
    const double x = epoch > 0 ? double(epoch) : std::numeric_limits<double>::quiet_NaN();
    m_loss->setCursorX(x);
    m_psnr->setCursorX(x);
}

} // namespace aestudio
