#include "SweepForm.h"

#include "SlurmOptionsBox.h"
#include "SweepBaseFields.h"

#include "StudioSettings.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

namespace aestudio {

SweepForm::SweepForm(QWidget *parent)
    : QWidget(parent), m_baseFields(new SweepBaseFields(this)), m_rows(new QFormLayout), m_runOn(new QComboBox),
      m_slurm(new SlurmOptionsBox)
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
    m_runOn->setObjectName(QStringLiteral("runOn"));
    m_runOn->addItems({tr("this machine"), tr("Slurm")});
    m_runOn->setToolTip(tr("Slurm: one job array task per run, on the cluster this machine submits to; the folder "
                           "must be on storage the nodes share"));
    m_slurm->hide();

    m_baseFields->addRows(m_rows);
    m_rows->addRow(tr("Depths"), m_depths);
    m_rows->addRow(tr("Latent dims"), m_latents);
    m_rows->addRow(tr("Dropouts"), m_dropouts);
    m_rows->addRow(tr("L2 weight decays"), m_weightDecays);
    m_rows->addRow(tr("Epochs"), m_epochs);
    m_rows->addRow(tr("Epochs (regularised)"), m_epochsRegularised);
    m_rows->addRow(tr("Runs at once"), m_jobs);
    m_rows->addRow(tr("Run on"), m_runOn);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(m_rows);
    layout->addWidget(m_slurm);

    connect(m_baseFields, &SweepBaseFields::changed, this, [this] {
        if (!m_showingBase)
            m_baseEdited = true;
    });
    connect(m_runOn, &QComboBox::currentIndexChanged, this, [this](int i) {
        m_slurm->setVisible(i == 1);
        m_jobs->setEnabled(i == 0 && !m_running);
        Q_EMIT placeChanged(i == 1);
    });
    load();
}

void SweepForm::setBase(const TrainingConfig &base)
{
    m_base = base;
    if (!m_baseEdited) {
        m_showingBase = true;
        m_baseFields->show(base);
        m_showingBase = false;
    }
}

SweepSpec SweepForm::spec() const
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

void SweepForm::showSweep(const SweepSpec &grid)
{
    showGrid(grid);
    showShared(grid.base);
}

SweepSpec SweepForm::useSeedStudyPreset()
{
    const SweepSpec seed = SweepSpec::seedStudy(m_baseFields->applyTo(m_base));
    showSweep(seed); // Table 1.1 trains plain autoencoders on clean inputs
    return seed;
}

void SweepForm::save() const
{
    QSettings settings;
    StudioSettings::saveSweepForm(settings, spec());
}

void SweepForm::load()
{
    QSettings settings;
    SweepSpec form = spec();
    form.base = m_baseFields->applyTo(m_base);
    const bool saved = StudioSettings::loadSweepForm(settings, form);
    showGrid(form);
    m_jobs->setValue(form.jobs);
    if (saved)
        showShared(form.base);
}

void SweepForm::refreshDatasets()
{
    m_baseFields->refreshDatasets();
}

void SweepForm::setRunning(bool running)
{
    m_running = running;
    for (QWidget *w :
         {static_cast<QWidget *>(m_depths), static_cast<QWidget *>(m_latents), static_cast<QWidget *>(m_dropouts),
          static_cast<QWidget *>(m_weightDecays), static_cast<QWidget *>(m_epochs),
          static_cast<QWidget *>(m_epochsRegularised), static_cast<QWidget *>(m_runOn)})
        w->setEnabled(!running);
    m_baseFields->setEnabled(!running);
    m_jobs->setEnabled(!running && !onSlurm());
}

bool SweepForm::onSlurm() const
{
    return m_runOn->currentIndex() == 1;
}

void SweepForm::setOnSlurm(bool slurm)
{
    m_runOn->setCurrentIndex(slurm ? 1 : 0); // the combo's signal shows or hides what depends on it
}

void SweepForm::addRow(const QString &label, QLayout *row)
{
    m_rows->addRow(label, row);
}

void SweepForm::showGrid(const SweepSpec &s)
{
    auto list = [](const auto &values) { return SweepSpec::formatList(QVector<double>(values.begin(), values.end())); };
    m_depths->setText(list(s.depths));
    m_latents->setText(list(s.latents));
    m_dropouts->setText(list(s.dropouts));
    m_weightDecays->setText(list(s.weightDecays));
    m_epochs->setValue(s.epochs);
    m_epochsRegularised->setValue(s.epochsRegularised);
}

void SweepForm::showShared(const TrainingConfig &shared)
{
    m_showingBase = true;
    m_baseFields->show(shared);
    m_showingBase = false;
    m_baseEdited = true;
}

} // namespace aestudio
