#include "RobustnessPanel.h"

#include "Errors.h"
#include "LiveChart.h"
#include "SystemInfo.h"

#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace aestudio {

RobustnessPanel::RobustnessPanel(std::shared_ptr<SnapshotStore> snapshots, QWidget *parent)
    : QWidget(parent), m_snapshots(std::move(snapshots)),
      m_chart(new LiveChart(tr("Robustness: PSNR vs evaluation noise"), tr("noise level"), tr("dB"))),
      m_measure(new QPushButton(tr("Measure robustness curve")))
{
    m_chart->setObjectName(QStringLiteral("robustnessChart"));
    m_chart->setMinimumHeight(240);
    m_measure->setToolTip(tr("PSNR of the current model at 11 noise levels on %1 validation images").arg(kEvalImages));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_measure);
    layout->addWidget(m_chart);
    clear();
    connect(m_measure, &QPushButton::clicked, this, [this] { measure(tr("run %1").arg(m_curves + 1)); });
    connect(&m_watcher, &QFutureWatcher<RobustnessCurve>::finished, this, [this] {
        m_measure->setEnabled(true);
        const RobustnessCurve curve = m_watcher.result();
        if (curve.points.isEmpty())
            return;
        QVector<QPointF> points, noisy;
        for (const RobustnessPoint &p : curve.points) {
            points << QPointF(p.level, p.psnrDb);
            if (p.level > 0)
                noisy << QPointF(p.level, p.noisyPsnrDb);
            m_yMin = std::min({m_yMin, p.psnrDb, p.level > 0 ? p.noisyPsnrDb : m_yMin});
            m_yMax = std::max(m_yMax, p.psnrDb);
        }
        const int s = m_chart->addSeries(m_pendingLabel, QColor::fromHsv((m_curves * 67) % 360, 210, 190), 2.0, true);
        m_chart->setPoints(s, points);
        if (m_curves == 0)
            m_chart->setPoints(m_noisySeries, noisy);
        ++m_curves;
        setMarker(m_chart->points(m_markerSeries).isEmpty() ? 0.0 : m_chart->points(m_markerSeries).first().x());
        Q_EMIT measured();
    });
}

RobustnessPanel::~RobustnessPanel()
{
    m_watcher.waitForFinished();
}

void RobustnessPanel::clear()
{
    m_chart->removeAllSeries();
    m_noisySeries = m_chart->addSeries(tr("noisy input"), QColor(136, 138, 133), 1.5);
    m_markerSeries = m_chart->addSeries(tr("explorer level"), QColor(204, 0, 0), 1.0);
    m_curves = 0;
    m_yMin = 1e9;
    m_yMax = -1e9;
    m_chart->flush();
}

void RobustnessPanel::setImages(const ProbeImages &images, const NoiseType type)
{
    m_images.pixels = images.pixels;
    m_images.labels.assign(std::size_t(images.count), 0);
    m_type = type;
}

void RobustnessPanel::setMarker(double level)
{
    if (m_curves == 0)
        return;
    m_chart->setPoints(m_markerSeries, {QPointF(level, m_yMin), QPointF(level, m_yMax)});
    m_chart->flush();
}

void RobustnessPanel::measure(const QString &label)
{
    const auto model = m_snapshots->latest();
    if (!model || m_images.count() == 0 || m_watcher.isRunning())
        return;
    m_pendingLabel = label;
    m_measure->setEnabled(false);
    const ImageSet images = m_images;
    const NoiseType type = m_type;
    m_watcher.setFuture(QtConcurrent::run([model, images, type] {
        SystemInfo::setThreadsForCallingThread(1);
        try {
            return RobustnessCurve::measure(*model, images, type, 11);
        } catch (const std::exception &e) {
            qWarning("robustness curve failed: %s", qPrintable(describeError(e)));
            return RobustnessCurve{};
        }
    }));
}

} // namespace aestudio
