// The robustness curve in the studio: PSNR of the current model against evaluation noise from 0 to 1 (11 levels)
// on a fixed slice of validation images, one curve per measured run, the noisy input as a dashed reference, and
// the noise explorer's level as a marker. Measuring runs off the GUI thread.
#pragma once

#include "RobustnessCurve.h"
#include "SnapshotStore.h"
#include "StudioTypes.h"

#include <QFutureWatcher>
#include <QWidget>

class QPushButton;

namespace aestudio {

class LiveChart;

class RobustnessPanel : public QWidget {
    Q_OBJECT
public:
    RobustnessPanel(std::shared_ptr<SnapshotStore> snapshots, QWidget *parent = nullptr);
    ~RobustnessPanel() override;

    void setImages(const ProbeImages &images, const NoiseType type);
    void setMarker(double level);
    void measure(const QString &label);   // adds a curve for the current snapshot
    void clear();
    LiveChart *chart() const { return m_chart; }
    int curveCount() const { return m_curves; }

Q_SIGNALS:
    void measured();

private:
    std::shared_ptr<SnapshotStore> m_snapshots;
    ImageSet m_images;
    NoiseType m_type = NoiseType::Gaussian;
    LiveChart *m_chart;
    QPushButton *m_measure;
    QFutureWatcher<RobustnessCurve> m_watcher;
    QString m_pendingLabel;
    int m_markerSeries = -1;
    int m_noisySeries = -1;
    int m_curves = 0;
    double m_yMin = 0, m_yMax = 1;
};

} // namespace aestudio
