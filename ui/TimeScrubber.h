// The slider under the charts that scrubs a run's epochs: it holds every finished epoch's probe grids (taken by the
// trainer, carried in checkpoints) and says which one to show. "Live" follows training: each new epoch is shown as
// it arrives and the grids show the current model at the explorer's noise. Moving the slider leaves Live.
#pragma once

#include "ProbeSnapshot.h"
#include "TrainingTypes.h"

#include <QWidget>

class QLabel;
class QSlider;
class QToolButton;
class QAction;

namespace aestudio {

class TimeScrubber : public QWidget {
    Q_OBJECT
public:
    explicit TimeScrubber(QWidget *parent = nullptr);

    // Replaces the stored epochs (a new run, a reopened checkpoint) or appends to them (a new epoch); in Live the
    // newest is shown.
    void setSnapshots(const QVector<ProbeSnapshot> &snapshots, const QVector<EpochMetrics> &history);
    const QVector<ProbeSnapshot> &snapshots() const { return m_snapshots; }
    bool isLive() const { return m_live; }
    void setLive(bool live);
    int shownEpoch() const; // 0 in Live
    // Shows the stored epoch `epoch` (leaves Live); false when that epoch has no snapshot.
    bool showEpoch(int epoch);
    QSlider *slider() const { return m_slider; }
    void setExportAction(QAction *action); // the strip export, shown as a button here

Q_SIGNALS:
    void epochShown(const aestudio::ProbeSnapshot &snapshot); // scrubbed to a stored epoch
    void liveResumed();                                       // back to following training

private:
    void onSlider(int index);
    void updateLabel();
    QVector<ProbeSnapshot> m_snapshots;
    QVector<EpochMetrics> m_history;
    QSlider *m_slider;
    QLabel *m_label;
    QToolButton *m_liveButton;
    QToolButton *m_export;
    bool m_live = true;
    bool m_settingSlider = false;
};

} // namespace aestudio
