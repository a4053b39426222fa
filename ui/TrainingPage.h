// The Training tab: the settings on the left, the live charts in the middle, and the side panel on the right (noise
// explorer, probe grids, robustness curve). It wires its panels to each other and to the session, and keeps the
// probe images the grids show: the run's own while one trains, else the chosen dataset's, loaded off the GUI thread.
#pragma once

#include "BackgroundJob.h"
#include "DatasetCatalog.h"
#include "StudioTypes.h"

#include <QWidget>

class QAction;
class QSplitter;

namespace aestudio {

class ChartsPanel;
class ConfigPanel;
class ImageGridPanel;
class NoiseExplorerPanel;
class DrawPad;
class ErrorViewsPanel;
class LatentExplorerPanel;
class RobustnessPanel;
class TimeScrubber;
class TrainingSession;

class TrainingPage : public QWidget {
    Q_OBJECT
public:
    explicit TrainingPage(TrainingSession *session, QWidget *parent = nullptr);

    ConfigPanel *config() const { return m_config; }
    QWidget *configArea() const { return m_configArea; } // the settings, scrollable: MainWindow docks it
    ChartsPanel *charts() const { return m_charts; }
    TimeScrubber *scrubber() const { return m_scrubber; }
    ImageGridPanel *grids() const { return m_grids; }
    NoiseExplorerPanel *explorer() const { return m_explorer; }
    RobustnessPanel *robustness() const { return m_robustness; }
    LatentExplorerPanel *latentExplorer() const { return m_latent; }
    DrawPad *drawPad() const { return m_draw; }
    ErrorViewsPanel *errorViews() const { return m_errors; }
    // The two as tabs of their own (MainWindow), in scroll areas: their fixed-size canvases must not make the window
    // wider than a laptop screen.
    QWidget *latentPage() const { return m_latentPage; }
    QWidget *drawPage() const { return m_drawPage; }
    QWidget *errorsPage() const { return m_errorsPage; }
    QSplitter *splitter() const { return m_split; }

    // The validation probes of `config`'s split, loaded off the GUI thread; a newer load supersedes this one.
    void loadProbes(const TrainingConfig &config, bool reportErrors);
    // Before anything trains, the grids show the chosen dataset's probes and their noisy versions.
    void previewChosenDataset();
    // File → Export: each chart as PNG and SVG, the grids, the metrics; failures go to `problem`.
    QList<QAction *> exportActions();
    QString exportBaseName() const; // the run folder's name, for suggested file names
    // File → Export all: the run folder's files and this page's charts and grids into `folder`.
    QStringList exportAll(const QString &runFolder, const QString &folder);

Q_SIGNALS:
    void probesReady();
    void problem(const QString &message);

private:
    void setProbeImages(const ProbeImages &probes, const ProbeImages &validationImages);
    void connectPanels();
    void connectScrubber();
    QImage epochStrip() const; // every stored epoch's reconstructions, a row each
    void rememberProbeSource(const TrainingConfig &config);

    TrainingSession *m_session;
    ConfigPanel *m_config;
    ChartsPanel *m_charts;
    TimeScrubber *m_scrubber;
    ImageGridPanel *m_grids;
    NoiseExplorerPanel *m_explorer;
    RobustnessPanel *m_robustness;
    LatentExplorerPanel *m_latent;
    DrawPad *m_draw;
    ErrorViewsPanel *m_errors;
    QWidget *m_errorsPage = nullptr;
    QWidget *m_latentPage = nullptr;
    QWidget *m_drawPage = nullptr;
    int m_latentEpoch = -1;
    QSplitter *m_split;
    QWidget *m_configArea = nullptr;
    QString m_probeSource; // the dataset and split the probe images come from
    SplitOptions m_probeSplit;
    BackgroundJob m_probeJob{this};
};

} // namespace aestudio
