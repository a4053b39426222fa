// The Experiments page's grid form: the settings every run shares (dataset, noise, learning rate), the lists swept
// (depths, latent dims, dropouts, L2 weight decays), epochs, how many runs at once, and where they run (here or on
// Slurm, with its options). It reads back as a SweepSpec and is remembered between sessions.
#pragma once

#include "Sweep.h"
#include "TrainingConfig.h"

#include <QWidget>

class QComboBox;
class QFormLayout;
class QLineEdit;
class QSpinBox;

namespace aestudio {

class SlurmOptionsBox;
class SweepBaseFields;

class SweepForm : public QWidget {
    Q_OBJECT
public:
    explicit SweepForm(QWidget *parent = nullptr);

    // The settings not swept come from the studio's recipe (batch size, seed, threads...). Dataset, noise and learning
    // rate follow it until edited here, or until a sweep, a preset or last session's form was shown.
    void setBase(const TrainingConfig &base);
    SweepSpec spec() const;                // throws ConfigError on unparsable lists or an invalid cell
    void showSweep(const SweepSpec &grid); // its lists, epochs and shared settings
    SweepSpec useSeedStudyPreset();        // Table 1.1's grid, on clean inputs; returns it
    void save() const;                     // after spec() has validated the form
    void load();
    void refreshDatasets();
    void setRunning(bool running);
    bool onSlurm() const;
    void setOnSlurm(bool slurm);
    SlurmOptionsBox *slurmOptions() const { return m_slurm; }
    void addRow(const QString &label, QLayout *row); // a row of the page's own below the form's

Q_SIGNALS:
    void placeChanged(bool slurm);

private:
    void showGrid(const SweepSpec &s);
    void showShared(const TrainingConfig &shared); // counts as edited: the recipe no longer overwrites it

    TrainingConfig m_base;
    SweepBaseFields *m_baseFields;
    bool m_baseEdited = false;
    bool m_showingBase = false;
    bool m_running = false;
    QFormLayout *m_rows;
    QLineEdit *m_depths, *m_latents, *m_dropouts, *m_weightDecays;
    QSpinBox *m_epochs, *m_epochsRegularised, *m_jobs;
    QComboBox *m_runOn;
    SlurmOptionsBox *m_slurm;
};

} // namespace aestudio
