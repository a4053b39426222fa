#include "NoiseExplorerPanel.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>

#include <cmath>

namespace aestudio {

NoiseExplorerPanel::NoiseExplorerPanel(std::shared_ptr<SnapshotStore> snapshots, QWidget *parent)
    : QWidget(parent), m_snapshots(std::move(snapshots)), m_runner(new PreviewRunner(this))
{
    m_type = new QComboBox;
    m_type->addItem(tr("Gaussian σ"), int(NoiseType::Gaussian));
    m_type->addItem(tr("Salt & pepper"), int(NoiseType::SaltPepper));
    m_type->addItem(tr("Masking"), int(NoiseType::Masking));
    m_slider = new QSlider(Qt::Horizontal);
    m_slider->setObjectName(QStringLiteral("evalNoise"));
    m_slider->setRange(0, 100);
    m_slider->setValue(50);
    m_value = new QLabel(QStringLiteral("0.50"));
    m_value->setMinimumWidth(36);
    m_result = new QLabel(tr("Train or open a model to explore noise."));
    m_result->setObjectName(QStringLiteral("explorerResult"));
    m_result->setWordWrap(true);

    auto *sliderRow = new QHBoxLayout;
    sliderRow->addWidget(m_slider, 1);
    sliderRow->addWidget(m_value);
    auto *form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("Eval noise"), m_type);
    form->addRow(tr("Level"), sliderRow);
    form->addRow(m_result);

    connect(m_slider, &QSlider::valueChanged, this, [this](int v) {
        m_value->setText(QString::number(v / 100.0, 'f', 2));
        refresh();
    });
    connect(m_type, &QComboBox::currentIndexChanged, this, &NoiseExplorerPanel::refresh);
    connect(m_runner, &PreviewRunner::failed, this, [this](const QString &message) {
        m_result->setText(tr("Preview failed: %1").arg(message.toHtmlEscaped()));
    });
    connect(m_runner, &PreviewRunner::ready, this, [this](const PreviewResult &r) {
        if (r.reconstructed.isNull() && r.noise.isClean()) // its PSNR would be the 100 dB floor
            m_result->setText(tr("Input without noise. Train or open a run to see reconstructions."));
        else if (r.reconstructed.isNull())
            m_result->setText(tr("Noisy input at %1: <b>%2 dB</b>. Train or open a run to see reconstructions.")
                                  .arg(r.noise.describe())
                                  .arg(r.metrics.noisyPsnrMeanDb, 0, 'f', 2));
        else if (r.noise.isClean())
            m_result->setText(tr("PSNR without noise (mean of %1 probes): <b>%2 dB</b>")
                                  .arg(r.metrics.images)
                                  .arg(r.metrics.psnrMeanDb, 0, 'f', 2));
        else
            m_result->setText(tr("PSNR at %1 (mean of %2 probes): <b>%3 dB</b> (noisy input %4 dB, gain %5 dB)")
                                  .arg(r.noise.describe())
                                  .arg(r.metrics.images)
                                  .arg(r.metrics.psnrMeanDb, 0, 'f', 2)
                                  .arg(r.metrics.noisyPsnrMeanDb, 0, 'f', 2)
                                  .arg(r.metrics.psnrMeanDb - r.metrics.noisyPsnrMeanDb, 0, 'f', 2));
        Q_EMIT previewReady(r);
    });
    updateEnabled();
}

// The noise works on the probe images as soon as they are loaded; the model's row joins once there is one.
void NoiseExplorerPanel::updateEnabled()
{
    const bool on = !m_probes.isEmpty();
    m_slider->setEnabled(on);
    m_type->setEnabled(on);
    m_slider->setToolTip(on ? QString() : tr("Available once the dataset's probe images are loaded"));
}

void NoiseExplorerPanel::setProbes(const ProbeImages &probes)
{
    m_probes = probes;
    updateEnabled();
    refresh();
}

NoiseSpec NoiseExplorerPanel::noise() const
{
    return {NoiseType(m_type->currentData().toInt()), m_slider->value() / 100.0};
}

void NoiseExplorerPanel::setNoise(const NoiseSpec &noise)
{
    {
        const QSignalBlocker b1(m_type), b2(m_slider);
        m_type->setCurrentIndex(std::max(0, m_type->findData(int(noise.type))));
        m_slider->setValue(int(std::lround(std::min(noise.level, 1.0) * 100)));
        m_value->setText(QString::number(m_slider->value() / 100.0, 'f', 2));
    }
    refresh();
}

void NoiseExplorerPanel::refresh()
{
    updateEnabled();
    m_runner->request(m_snapshots->latest(), m_probes, noise());
}

} // namespace aestudio
