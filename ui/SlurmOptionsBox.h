// The Experiments page's "Run on: Slurm" settings, the same as `sweep --slurm`'s options: partition, time per cell,
// CPUs per cell, cells at once and extra #SBATCH lines. Remembered across restarts.
#pragma once

#include "Slurm.h"

#include <QGroupBox>

class QLineEdit;
class QSpinBox;

namespace aestudio {

class SlurmOptionsBox : public QGroupBox {
    Q_OBJECT
public:
    explicit SlurmOptionsBox(QWidget *parent = nullptr);
    Slurm::Options options() const; // throws ConfigError on a malformed time
    void save() const;

private:
    QLineEdit *m_partition, *m_time, *m_extra;
    QSpinBox *m_cpus, *m_parallel;
};

} // namespace aestudio
