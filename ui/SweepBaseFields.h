// The settings a sweep does not vary but every run uses (dataset, training noise, learning rate), shown and edited
// in the Experiments form instead of being taken unseen from the Training tab (StudioSettings remembers them).
#pragma once

#include "TrainingConfig.h"

#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QFormLayout;

namespace aestudio {

class SweepBaseFields : public QObject {
    Q_OBJECT
public:
    explicit SweepBaseFields(QObject *parent = nullptr);
    void addRows(QFormLayout *form);
    void show(const TrainingConfig &config); // the three settings into the fields
    TrainingConfig applyTo(TrainingConfig base) const;
    void setEnabled(bool enabled);
    void refreshDatasets(); // after a download, import or removal; keeps the choice when it is still there

Q_SIGNALS:
    void changed();

private:
    QComboBox *m_dataset;
    QComboBox *m_noiseType;
    QDoubleSpinBox *m_noise;
    QDoubleSpinBox *m_lr;
};

} // namespace aestudio
