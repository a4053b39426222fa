// Where the current model fails, over the validation images (up to 10,000) at the explorer's noise: the K images it
// reconstructs worst (original, noisy, reconstruction and error heatmap, with class and PSNR under each), and its
// mean PSNR per class as bars, exportable as CSV. One batched pass off the GUI thread; refreshes after each epoch
// and when the noise changes, debounced, newest wins.
#pragma once

#include "BackgroundJob.h"
#include "ErrorViews.h"
#include "SnapshotStore.h"
#include "StudioTypes.h"

#include <QTimer>
#include <QWidget>

#include <functional>

class QLabel;
class QPushButton;
class QSpinBox;

namespace aestudio {

class ProbeGridView;
class TileZoomDialog;

class ErrorViewsPanel : public QWidget {
    Q_OBJECT
public:
    ErrorViewsPanel(std::shared_ptr<SnapshotStore> snapshots, std::function<NoiseSpec()> noise,
                    QWidget *parent = nullptr);

    void setImages(const ProbeImages &images, const QStringList &classNames);
    void refreshSoon(); // debounced: after an epoch, a noise change
    void refresh();

    struct Result {
        QImage strip, classChart;
        QVector<ErrorViews::Ranked> worst;
        QStringList worstNames; // class of each
        QVector<ErrorViews::ClassPsnr> classes;
        NoiseSpec noise;
        int images = 0;
    };
    const Result &result() const { return m_result; }
    void exportCsv(const QString &path) const; // throws WriteError
    void zoomWorst(int rank, int row);         // the rank-th worst image (0-based) at 10x, version `row` selected
    ProbeGridView *strip() const { return m_strip; }
    TileZoomDialog *zoom() const { return m_zoom; }

    // Pure, for tests: the strip and the chart of a reconstruction of `images`.
    static Result compute(const InferenceModel &model, const ProbeImages &images, const QStringList &classNames,
                          const NoiseSpec &noise, int k);

Q_SIGNALS:
    void updated();

protected:
    void showEvent(QShowEvent *e) override; // a first look, or a look after changes made while hidden

private:
    std::shared_ptr<SnapshotStore> m_snapshots;
    std::function<NoiseSpec()> m_noise;
    ProbeImages m_images;
    QStringList m_classNames;
    QSpinBox *m_k;
    ProbeGridView *m_strip;
    QLabel *m_chart, *m_caption;
    TileZoomDialog *m_zoom = nullptr;
    QPushButton *m_export;
    Result m_result;
    QTimer m_debounce;
    BackgroundJob m_job{this};
};

} // namespace aestudio
