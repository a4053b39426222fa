// The evaluation-noise slider: re-noises the probe images at any σ (or rate) and re-runs the current model snapshot
// off the GUI thread, during or after training. Shows the mean PSNR there and the gain over the noisy input.
#pragma once

#include "PreviewRunner.h"
#include "SnapshotStore.h"
#include "StudioTypes.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QSlider;

namespace aestudio {

class NoiseExplorerPanel : public QWidget {
    Q_OBJECT
public:
    explicit NoiseExplorerPanel(std::shared_ptr<SnapshotStore> snapshots, QWidget *parent = nullptr);

    void setProbes(const ProbeImages &probes);
    const ProbeImages &probes() const { return m_probes; }
    NoiseSpec noise() const;
    void setNoise(const NoiseSpec &noise);
    QSlider *slider() const { return m_slider; }

public Q_SLOTS:
    void refresh(); // re-run the newest snapshot at the current σ

Q_SIGNALS:
    void previewReady(const aestudio::PreviewResult &result);

private:
    void updateEnabled();
    std::shared_ptr<SnapshotStore> m_snapshots;
    ProbeImages m_probes;
    PreviewRunner *m_runner;
    QComboBox *m_type;
    QSlider *m_slider;
    QLabel *m_value;
    QLabel *m_result;
};

} // namespace aestudio
