// The training recipe editor: dataset (with where it was found), depth, latent, dropout, weight decay, training
// noise, and the optimizer/run settings. Emits changed() on every edit; can be locked while a run is active.
#pragma once

#include "TrainingConfig.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QFormLayout;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSlider;
class QSpinBox;

namespace aestudio {

class ConfigPanel : public QWidget {
    Q_OBJECT
public:
    explicit ConfigPanel(QWidget *parent = nullptr);

    TrainingConfig config() const;
    void setConfig(const TrainingConfig &config);
    void setEditable(bool editable);
    // Why Start cannot run with the current settings (e.g. the dataset is missing); empty when it can.
    QString startBlocker() const;
    // "Ready: Fashion-MNIST 50,000 / 10,000 / 10,000 · CPU · 2 threads" (train / validation / test), for the idle
    // status bar; says why not when the dataset is missing.
    QString readyText() const;
    void refreshDatasets(); // re-reads the available datasets (after a download, import or removal)
    void selectDataset(const QString &name);

Q_SIGNALS:
    void changed();
    void downloadRequested(const QString &name); // the Download… button beside a missing known dataset

private:
    void addModelRows(QFormLayout *form);
    void addTrainingRows(QFormLayout *form);
    void connectFields();
    void addToolTips();
    void fillDatasets(const QString &current);
    void addDatasetFolder(const QString &path);
    void updateDatasetStatus();
    void syncLatentPreset();
    TrainingConfig shownConfig() const; // what the widgets hold, at their own resolution and range

    QComboBox *m_dataset;
    QLabel *m_datasetStatus;
    QPushButton *m_openFolder;
    QPushButton *m_download;
    QComboBox *m_depth;
    QComboBox *m_latentPreset;
    QSpinBox *m_latent;
    QSlider *m_dropout;
    QLabel *m_dropoutValue;
    QDoubleSpinBox *m_weightDecay;
    QComboBox *m_noiseType;
    QSlider *m_noise;
    QLabel *m_noiseValue;
    QSpinBox *m_epochs;
    QSpinBox *m_batchSize;
    QDoubleSpinBox *m_lr;
    QComboBox *m_schedule;
    QSpinBox *m_seed;
    QSpinBox *m_threads;
    QComboBox *m_device;
    QString m_datasetProblem;
    // The last config set, and what the widgets showed for it: a value they cannot hold exactly (dropout 0.95 on a
    // slider to 0.90, sigma 2 on one to 1, a 64-bit seed, an L2 of 1e-8) is kept as set until its field is changed.
    TrainingConfig m_set, m_shownForSet;
};

} // namespace aestudio
