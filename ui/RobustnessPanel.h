// The robustness curve in the studio: PSNR of the current model against evaluation noise from 0 to 1 (11 levels)
// on a fixed slice of validation images, one curve per measured run, the noisy input as a dashed reference, and
// the noise explorer's level as a marker. Measuring runs off the GUI thread.
#pragma once

#include "BackgroundJob.h"
#include "RobustnessCurve.h"
#include "SnapshotStore.h"
#include "StudioTypes.h"

#include <QWidget>

class QPushButton;

namespace aestudio {

class LiveChart;

class RobustnessPanel : public QWidget {
    Q_OBJECT
public:
    RobustnessPanel(std::shared_ptr<SnapshotStore> snapshots, QWidget *parent = nullptr);

    void setImages(const ProbeImages &images, const NoiseType type);
    void setMarker(double level);
    // Names the current model ("784-256-128-50 · epoch 5 · gaussian") after a new snapshot; curves of any other
    // snapshot turn grey and say "earlier model", so a curve is never read as the model beside it.
    void setModel(const QString &label);
    void measure(); // adds a curve for the current model, unless it has one already
    bool measuredCurrentModel() const;
    QByteArray csv() const; // level, then each curve's PSNR and the noisy input's, for Export all
    void updateEnabled();   // Measure works once there are a model and images, one curve at a time
    void clear();
    LiveChart *chart() const { return m_chart; }
    int curveCount() const { return m_curves; }

Q_SIGNALS:
    void measured();
    void failed(const QString &message);

private:
    std::shared_ptr<SnapshotStore> m_snapshots;
    ImageSet m_images;
    NoiseType m_type = NoiseType::Gaussian;
    LiveChart *m_chart;
    QPushButton *m_measure;
    bool m_busy = false;
    bool canMeasure() const { return m_snapshots->latest() && m_images.count() > 0 && !m_busy; }
    int m_markerSeries = -1;
    int m_noisySeries = -1;
    struct Curve {
        int series;
        QString model;   // its label, for the legend and the CSV
        const void *key; // which snapshot it measured: the identity, since two models can share a label
        RobustnessCurve data;
    };
    const void *currentKey() const { return m_snapshots->latest().get(); }
    void styleCurves(); // the current model's curves in colour, every other one grey "(earlier model)"
    QVector<Curve> m_curveList;
    QString m_model;
    int m_curves = 0;
    double m_yMin = 0, m_yMax = 1;
    BackgroundJob m_job{this};
    void addCurve(const QString &model, const void *key, const RobustnessCurve &curve);
};

} // namespace aestudio
