// The Latent space tab: the current model's codes of the validation images (the same 500 the robustness curve uses)
// projected to 2-D by PCA and drawn by class; hovering shows an image or decodes the plane point under the pointer;
// clicking two images shows 10 decoded steps between their codes (exportable as PNG); bars show each latent
// dimension's variance. Recomputed off the GUI thread after each epoch and on Open, stale results dropped.
#pragma once

#include "BackgroundJob.h"
#include "LatentSpace.h"
#include "SnapshotStore.h"
#include "StudioTypes.h"

#include <QImage>
#include <QWidget>

class QLabel;
class QPushButton;

namespace aestudio {

class LatentScatter;

class LatentExplorerPanel : public QWidget {
    Q_OBJECT
public:
    LatentExplorerPanel(std::shared_ptr<SnapshotStore> snapshots, QWidget *parent = nullptr);

    void setImages(const ProbeImages &images, const QStringList &classNames);
    void refresh(); // projects the latest snapshot's codes (off the GUI thread)
    void previewPoint(int index);
    void previewPlane(double pc1, double pc2); // decodes the plane point
    void pick(int index);                      // A, then B (then A again): B shows the interpolation strip
    void exportStrip(const QString &path) const;

    LatentScatter *scatter() const { return m_scatter; }
    const LatentProjection &projection() const { return m_projection; }
    QImage preview() const { return m_previewImage; }
    QImage strip() const { return m_stripImage; }

Q_SIGNALS:
    void projected();
    void previewShown();
    void stripShown();

private:
    void showProjection(const LatentProjection &p, const void *model);
    void showDimensions();
    std::shared_ptr<SnapshotStore> m_snapshots;
    ProbeImages m_images;
    QStringList m_classes;
    LatentProjection m_projection;
    const void *m_projectedModel = nullptr;
    int m_picked[2] = {-1, -1};
    LatentScatter *m_scatter;
    QLabel *m_status, *m_preview, *m_previewCaption, *m_strip, *m_dims;
    QPushButton *m_export;
    QImage m_previewImage, m_stripImage;
    BackgroundJob m_projectJob{this}, m_decodeJob{this};
};

} // namespace aestudio
