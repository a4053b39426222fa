#include "SweepBaseFields.h"

#include "DatasetCatalog.h"
#include "DatasetSources.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>

namespace aestudio {

SweepBaseFields::SweepBaseFields(QObject *parent)
    : QObject(parent), m_dataset(new QComboBox), m_noiseType(new QComboBox), m_noise(new QDoubleSpinBox),
      m_lr(new QDoubleSpinBox)
{
    m_dataset->setObjectName(QStringLiteral("sweepDataset"));
    refreshDatasets();
    m_dataset->setToolTip(tr("The dataset every run of the grid trains on"));
    m_noiseType->setObjectName(QStringLiteral("sweepNoiseType"));
    for (NoiseType t : {NoiseType::Gaussian, NoiseType::SaltPepper, NoiseType::Masking})
        m_noiseType->addItem(noiseTypeName(t), int(t));
    m_noise->setObjectName(QStringLiteral("sweepNoise"));
    m_noise->setRange(0.0, 1.0);
    m_noise->setSingleStep(0.05);
    m_noise->setDecimals(2);
    m_noise->setToolTip(tr("Training noise level of every run, 0-1 (0: plain autoencoders, as Table 1.1)"));
    m_lr->setObjectName(QStringLiteral("sweepLr"));
    m_lr->setDecimals(6);
    m_lr->setRange(1e-6, 1.0);
    m_lr->setSingleStep(1e-4);
    m_lr->setToolTip(tr("Adam's learning rate for every run (the seed uses 0.001)"));
    for (QComboBox *c : {m_dataset, m_noiseType})
        connect(c, &QComboBox::currentIndexChanged, this, &SweepBaseFields::changed);
    for (QDoubleSpinBox *s : {m_noise, m_lr})
        connect(s, &QDoubleSpinBox::valueChanged, this, &SweepBaseFields::changed);
}

void SweepBaseFields::refreshDatasets()
{
    const QString current = m_dataset->currentData().toString();
    {
        const QSignalBlocker block(m_dataset);
        m_dataset->clear();
        for (const QString &name : DatasetCatalog::availableNames()) {
            m_dataset->addItem(DatasetSources::titleOf(name), name);
        }
        // A folder given by path stays; a removed dataset falls back to the first.
        if (!current.isEmpty() && m_dataset->findData(current) < 0 && DatasetCatalog::locate(current).isPath)
            m_dataset->addItem(current, current);
        m_dataset->setCurrentIndex(std::max(0, m_dataset->findData(current)));
    }
    if (m_dataset->currentData().toString() != current && !current.isEmpty())
        Q_EMIT changed();
}

void SweepBaseFields::addRows(QFormLayout *form)
{
    form->addRow(tr("Dataset"), m_dataset);
    auto *noise = new QHBoxLayout;
    noise->addWidget(m_noiseType);
    noise->addWidget(m_noise, 1);
    form->addRow(tr("Training noise"), noise);
    form->addRow(tr("Learning rate"), m_lr);
}

void SweepBaseFields::show(const TrainingConfig &c)
{
    int index = m_dataset->findData(c.dataset);
    if (index < 0) { // a folder given by path
        m_dataset->addItem(c.dataset, c.dataset);
        index = m_dataset->count() - 1;
    }
    m_dataset->setCurrentIndex(index);
    m_noiseType->setCurrentIndex(std::max(0, m_noiseType->findData(int(c.noise.type))));
    m_noise->setValue(c.noise.level);
    m_lr->setValue(c.learningRate);
}

TrainingConfig SweepBaseFields::applyTo(TrainingConfig base) const
{
    base.dataset = m_dataset->currentData().toString();
    base.noise = {NoiseType(m_noiseType->currentData().toInt()), m_noise->value()};
    base.learningRate = m_lr->value();
    return base;
}

void SweepBaseFields::setEnabled(bool enabled)
{
    for (QWidget *w : {static_cast<QWidget *>(m_dataset), static_cast<QWidget *>(m_noiseType),
                       static_cast<QWidget *>(m_noise), static_cast<QWidget *>(m_lr)})
        w->setEnabled(enabled);
}

} // namespace aestudio
