#include "RobustnessPanel.h"

#include "Errors.h"
#include "LiveChart.h"
#include "SystemInfo.h"

#include <QPushButton>
#include <QVBoxLayout>

namespace aestudio {

RobustnessPanel::RobustnessPanel(std::shared_ptr<SnapshotStore> snapshots, QWidget *parent)
    : QWidget(parent), m_snapshots(std::move(snapshots)),
      m_chart(new LiveChart(tr("Robustness: PSNR vs evaluation noise"), tr("noise level"),
                            tr("dB (mean of %1 images)").arg(kEvalImages))),
      m_measure(new QPushButton(tr("Measure robustness curve")))
{
    m_chart->setObjectName(QStringLiteral("robustnessChart"));
    m_chart->setMinimumHeight(240);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_measure);
    layout->addWidget(m_chart);
    clear();
    connect(m_measure, &QPushButton::clicked, this, [this] { measure(); });
    updateEnabled();
}

void RobustnessPanel::addCurve(const QString &model, const void *key, const RobustnessCurve &curve)
{
    QVector<QPointF> points, noisy;
    for (const RobustnessPoint &p : curve.points) {
        points << QPointF(p.level, p.psnrDb);
        if (p.level > 0)
            noisy << QPointF(p.level, p.noisyPsnrDb);
        m_yMin = std::min({m_yMin, p.psnrDb, p.level > 0 ? p.noisyPsnrDb : m_yMin});
        m_yMax = std::max(m_yMax, p.psnrDb);
    }
    const int s = m_chart->addSeries(model, QColor(186, 189, 182), 2.0, true); // styleCurves() colours it
    m_chart->setPoints(s, points);
    m_curveList.append({s, model, key, curve});
    if (m_curves == 0)
        m_chart->setPoints(m_noisySeries, noisy);
    ++m_curves;
    styleCurves(); // the model may have changed while this was measured
    setMarker(m_chart->points(m_markerSeries).isEmpty() ? 0.0 : m_chart->points(m_markerSeries).first().x());
    Q_EMIT measured();
}

void RobustnessPanel::updateEnabled()
{
    const bool ready = m_snapshots->latest() && m_images.count() > 0;
    m_measure->setEnabled(canMeasure() && !measuredCurrentModel());
    m_measure->setToolTip(
        !ready ? tr("Available once a model is training or opened")
            : measuredCurrentModel()
            ? tr("This model's curve is on the chart already")
            : tr("PSNR of the current model at 11 noise levels on %1 validation images").arg(kEvalImages));
}

void RobustnessPanel::clear()
{
    m_chart->removeAllSeries();
    m_noisySeries = m_chart->addSeries(tr("noisy input"), QColor(136, 138, 133), 1.5);
    m_markerSeries = m_chart->addSeries(tr("explorer level"), QColor(204, 0, 0), 1.0);
    m_curves = 0;
    m_curveList.clear();
    m_yMin = 1e9;
    m_yMax = -1e9;
    m_chart->flush();
}

void RobustnessPanel::setImages(const ProbeImages &images, const NoiseType type)
{
    m_images.pixels = images.pixels;
    m_images.labels.assign(std::size_t(images.count), 0);
    m_type = type;
    updateEnabled();
}

void RobustnessPanel::setMarker(double level)
{
    if (m_curves == 0)
        return;
    m_chart->setPoints(m_markerSeries, {QPointF(level, m_yMin), QPointF(level, m_yMax)});
    m_chart->flush();
}

bool RobustnessPanel::measuredCurrentModel() const
{
    const void *key = currentKey();
    return key && std::any_of(m_curveList.begin(), m_curveList.end(), [key](const Curve &c) { return c.key == key; });
}

void RobustnessPanel::setModel(const QString &label)
{
    m_model = label;
    styleCurves();
    updateEnabled();
}

void RobustnessPanel::styleCurves()
{
    static const int kHues[] = {210, 120, 280, 30, 170, 250, 90, 320}; // blues, greens, purples: red is the marker
    const void *key = currentKey();
    for (int i = 0; i < m_curveList.size(); ++i) {
        const Curve &c = m_curveList[i];
        if (c.key == key)
            m_chart->setSeriesStyle(c.series, QColor::fromHsv(kHues[i % 8], 210, 190), c.model);
        else
            m_chart->setSeriesStyle(c.series, QColor(186, 189, 182), tr("%1 (earlier model)").arg(c.model));
    }
    m_chart->flush();
}

QByteArray RobustnessPanel::csv() const
{
    QByteArray out = "level";
    for (const Curve &c : m_curveList)
        out += ",\"" + c.model.toUtf8().replace('"', "\"\"") + " psnr_mean_db\"";
    out += ",noisy_input_psnr_mean_db\n";
    if (m_curveList.isEmpty())
        return out;
    const auto &levels = m_curveList.first().data.points;
    for (int i = 0; i < levels.size(); ++i) {
        out += QByteArray::number(levels[i].level, 'g', 6);
        for (const Curve &c : m_curveList)
            out += ','
                + (i < c.data.points.size() ? QByteArray::number(c.data.points[i].psnrDb, 'f', 4) : QByteArray());
        out += ',' + QByteArray::number(levels[i].noisyPsnrDb, 'f', 4) + '\n';
    }
    return out;
}

void RobustnessPanel::measure()
{
    const auto model = m_snapshots->latest();
    if (!canMeasure() || measuredCurrentModel())
        return;
    const QString label = m_model.isEmpty() ? tr("model") : m_model;
    m_busy = true;
    updateEnabled();
    const ImageSet images = m_images;
    const NoiseType type = m_type;
    auto finish = [this] {
        m_busy = false;
        updateEnabled();
    };
    m_job.start(
        [model, images, type](const std::function<bool()> &) {
            SystemInfo::setThreadsForCallingThread(1);
            return RobustnessCurve::measure(*model, images, type, 11);
        },
        [this, label, key = static_cast<const void *>(model.get()), finish](const RobustnessCurve &curve) {
            finish();
            addCurve(label, key, curve);
        },
        [this, finish](const QString &message) {
            finish();
            Q_EMIT failed(tr("The robustness curve could not be measured: %1").arg(message));
        });
}

} // namespace aestudio
