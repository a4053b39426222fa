#include "SlurmOptionsBox.h"

#include "Errors.h"

#include <QCoreApplication>
#include <QDir>
#include <QFormLayout>
#include <QLineEdit>
#include <QSettings>
#include <QSpinBox>

namespace aestudio {

SlurmOptionsBox::SlurmOptionsBox(QWidget *parent)
    : QGroupBox(tr("Slurm"), parent), m_partition(new QLineEdit), m_time(new QLineEdit), m_extra(new QLineEdit),
      m_cpus(new QSpinBox), m_parallel(new QSpinBox)
{
    setObjectName(QStringLiteral("slurmOptions"));
    QSettings s;
    m_partition->setPlaceholderText(tr("the cluster's default"));
    m_partition->setText(s.value(QStringLiteral("slurm/partition")).toString());
    m_time->setText(s.value(QStringLiteral("slurm/time"), QStringLiteral("01:00:00")).toString());
    m_time->setToolTip(tr("Time limit of each cell's task, HH:MM:SS or D-HH:MM:SS"));
    m_cpus->setRange(1, 1024);
    m_cpus->setValue(s.value(QStringLiteral("slurm/cpus"), 2).toInt());
    m_cpus->setToolTip(tr("CPUs per cell task; each cell trains with this many threads"));
    m_parallel->setRange(0, 100000);
    m_parallel->setSpecialValueText(tr("no limit"));
    m_parallel->setValue(s.value(QStringLiteral("slurm/parallel"), 0).toInt());
    m_extra->setPlaceholderText(tr("e.g. --mem=4G --account=lab"));
    m_extra->setText(s.value(QStringLiteral("slurm/extra")).toString());
    auto *form = new QFormLayout(this);
    form->addRow(tr("Partition"), m_partition);
    form->addRow(tr("Time per cell"), m_time);
    form->addRow(tr("CPUs per cell"), m_cpus);
    form->addRow(tr("Cells at once"), m_parallel);
    form->addRow(tr("More sbatch options"), m_extra);
}

Slurm::Options SlurmOptionsBox::options() const
{
    Slurm::Options o;
    // The nodes run the aestudio-cli installed beside this studio (the .deb, or a build on shared storage).
    o.cli = QDir(QCoreApplication::applicationDirPath()).absoluteFilePath(QStringLiteral("aestudio-cli"));
    o.partition = m_partition->text().trimmed();
    o.time = m_time->text().trimmed();
    o.cpusPerTask = m_cpus->value();
    o.maxParallel = m_parallel->value();
    o.extraArgs = m_extra->text().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    Slurm::validate(o);
    return o;
}

void SlurmOptionsBox::save() const
{
    QSettings s;
    s.setValue(QStringLiteral("slurm/partition"), m_partition->text());
    s.setValue(QStringLiteral("slurm/time"), m_time->text());
    s.setValue(QStringLiteral("slurm/cpus"), m_cpus->value());
    s.setValue(QStringLiteral("slurm/parallel"), m_parallel->value());
    s.setValue(QStringLiteral("slurm/extra"), m_extra->text());
}

} // namespace aestudio
