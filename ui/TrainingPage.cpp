#include "TrainingPage.h"

#include "FileDialogs.h"

#include "ChartsPanel.h"
#include "ConfigPanel.h"
#include "Errors.h"
#include "ImageGridPanel.h"
#include "NoiseExplorerPanel.h"
#include "DrawPad.h"
#include "ErrorViewsPanel.h"
#include "LatentExplorerPanel.h"
#include "RobustnessPanel.h"
#include "ImageGrid.h"
#include "PreviewRunner.h"
#include "StudioExporter.h"
#include "TimeScrubber.h"
#include "TrainingSession.h"

#include <QAction>
#include <QFileDialog>
#include <QFileInfo>

#include <QGroupBox>
#include <QHBoxLayout>
#include <QScrollArea>
#include <QSlider>
#include <QSplitter>
#include <QVBoxLayout>

namespace aestudio {
namespace {

QWidget *scrolled(QWidget *w)
{
    auto *area = new QScrollArea;
    area->setWidget(w);
    area->setWidgetResizable(true);
    area->setFrameShape(QFrame::NoFrame);
    return area;
}

QWidget *boxed(const QString &title, QWidget *content)
{
    auto *box = new QGroupBox(title);
    auto *layout = new QVBoxLayout(box);
    layout->addWidget(content);
    return box;
}

} // namespace

TrainingPage::TrainingPage(TrainingSession *session, QWidget *parent)
    : QWidget(parent), m_session(session), m_config(new ConfigPanel), m_charts(new ChartsPanel),
      m_scrubber(new TimeScrubber), m_grids(new ImageGridPanel),
      m_explorer(new NoiseExplorerPanel(session->snapshots())), m_robustness(new RobustnessPanel(session->snapshots())),
      m_latent(new LatentExplorerPanel(session->snapshots())),
      m_draw(new DrawPad(session->snapshots(), [this] { return m_explorer->noise(); })),
      m_errors(new ErrorViewsPanel(session->snapshots(), [this] { return m_explorer->noise(); })),
      m_split(new QSplitter(Qt::Horizontal))
{
    auto *side = new QWidget;
    auto *sideLayout = new QVBoxLayout(side);
    sideLayout->addWidget(boxed(tr("Noise explorer"), m_explorer));
    sideLayout->addWidget(m_grids);
    sideLayout->addWidget(boxed(tr("Robustness"), m_robustness), 1);

    // The settings live in a dock (MainWindow), so they can be collapsed on a small screen; of what is left, the
    // charts get the space first.
    m_latentPage = scrolled(m_latent);
    m_drawPage = scrolled(m_draw);
    m_errorsPage = scrolled(m_errors);
    m_configArea = scrolled(m_config);
    m_configArea->setMinimumWidth(m_config->minimumSizeHint().width() + 24);
    m_charts->setMinimumWidth(300);
    QWidget *sideArea = scrolled(side);
    sideArea->setMinimumWidth(260);
    auto *chartsColumn = new QWidget;
    auto *chartsLayout = new QVBoxLayout(chartsColumn);
    chartsLayout->setContentsMargins(0, 0, 0, 0);
    chartsLayout->addWidget(m_charts, 1);
    chartsLayout->addWidget(m_scrubber);
    m_split->addWidget(chartsColumn);
    m_split->addWidget(sideArea);
    m_split->setStretchFactor(0, 3);
    m_split->setStretchFactor(1, 2);
    m_split->setSizes({640, 480});
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_split);
    connectPanels();
}

void TrainingPage::connectPanels()
{
    // While the scrubber shows a stored epoch, the grids keep it; moving the noise goes back to the live model.
    connect(m_explorer, &NoiseExplorerPanel::previewReady, this, [this](const PreviewResult &r) {
        if (m_scrubber->isLive())
            m_grids->showPreview(r);
    });
    connect(m_explorer->slider(), &QSlider::valueChanged, this, [this] {
        m_robustness->setMarker(m_explorer->noise().level);
        m_errors->refreshSoon();
        if (!m_scrubber->isLive())
            m_scrubber->setLive(true);
    });
    connectScrubber();
    connect(m_robustness, &RobustnessPanel::measured, this,
            [this] { m_robustness->setMarker(m_explorer->noise().level); });
    connect(m_robustness, &RobustnessPanel::failed, this, &TrainingPage::problem);
    connect(m_config, &ConfigPanel::changed, this, &TrainingPage::previewChosenDataset);
    connect(m_session, &TrainingSession::datasetLoaded, this,
            [this](const QString &, int, int, int, const ProbeImages &probes, const ProbeImages &eval) {
                m_probeJob.cancel(); // the run's own images win over a preview still loading
                rememberProbeSource(m_session->config());
                setProbeImages(probes, eval);
            });
    connect(m_session, &TrainingSession::batchesProgressed, m_charts, &ChartsPanel::addBatches);
    connect(m_session, &TrainingSession::epochFinished, m_charts, &ChartsPanel::addEpoch);
    connect(m_session, &TrainingSession::snapshotPublished, m_explorer, &NoiseExplorerPanel::refresh);
    connect(m_session, &TrainingSession::snapshotPublished, m_robustness, [this] {
        const TrainingConfig &c = m_session->config();
        m_robustness->setModel(tr("%1 · epoch %2 · %3")
                                   .arg(c.model.describe())
                                   .arg(m_session->history().size())
                                   .arg(noiseTypeName(c.noise.type)));
        m_robustness->updateEnabled();
        // The latent space after each epoch (not at every mid-epoch snapshot), and at once for an opened model.
        if (!m_session->isActive() || m_session->history().size() != m_latentEpoch) {
            m_latentEpoch = int(m_session->history().size());
            m_latent->refresh();
            m_draw->rerun();
            m_errors->refreshSoon();
        }
    });
}

void TrainingPage::connectScrubber()
{
    auto update = [this] { m_scrubber->setSnapshots(m_session->epochGrids(), m_session->history()); };
    connect(m_session, &TrainingSession::epochGridsChanged, this, update);
    connect(m_session, &TrainingSession::epochFinished, this, update);
    connect(m_scrubber, &TimeScrubber::epochShown, this, [this](const ProbeSnapshot &snapshot) {
        PreviewResult r = PreviewRunner::ofReconstruction(snapshot.toReconstruction(), m_session->config().noise);
        r.epoch = snapshot.epoch;
        m_grids->showPreview(r);
        m_charts->setCursorEpoch(snapshot.epoch);
    });
    connect(m_scrubber, &TimeScrubber::liveResumed, this, [this] {
        m_charts->setCursorEpoch(0);
        m_explorer->refresh(); // the current model at the explorer's noise
    });
}

void TrainingPage::setProbeImages(const ProbeImages &probes, const ProbeImages &validationImages)
{
    m_explorer->setProbes(probes);
    m_robustness->setImages(validationImages.first(kEvalImages), m_session->config().noise.type);
    m_latent->setImages(validationImages, DatasetCatalog::classNames(m_probeSource));
    m_draw->setImages(validationImages);
    m_errors->setImages(validationImages, DatasetCatalog::classNames(m_probeSource));
    Q_EMIT probesReady();
}

void TrainingPage::loadProbes(const TrainingConfig &config, bool reportErrors)
{
    using Pair = std::pair<ProbeImages, ProbeImages>;
    rememberProbeSource(config);
    m_probeJob.start(
        [config](const std::function<bool()> &) {
            const DatasetSplit data = DatasetCatalog::load(config);
            return Pair(ProbeImages::firstOf(data.validation), ProbeImages::firstOf(data.validation, kLatentImages));
        },
        [this](const Pair &images) { setProbeImages(images.first, images.second); },
        [this, reportErrors](const QString &message) {
            if (reportErrors)
                Q_EMIT problem(tr("The run opened, but its probe images could not be loaded: %1").arg(message));
        });
}

void TrainingPage::rememberProbeSource(const TrainingConfig &config)
{
    m_probeSource = config.dataset;
    m_probeSplit = SplitOptions::of(config);
}

void TrainingPage::previewChosenDataset()
{
    const TrainingConfig c = m_config->config();
    if (m_session->state() != TrainingSession::State::Idle)
        return;
    if (!m_config->startBlocker().isEmpty()) {
        // The chosen dataset is not here: show no images rather than another dataset's.
        m_probeJob.cancel();
        rememberProbeSource(c);
        setProbeImages({}, {});
        return;
    }
    if (c.dataset == m_probeSource && SplitOptions::of(c) == m_probeSplit)
        return;
    loadProbes(c, false); // a dataset that cannot load says so in the settings panel already
}

QImage TrainingPage::epochStrip() const
{
    return ImageGrid::ofEpochs(m_session->epochGrids(), m_session->config().noise, PreviewRunner::kScale);
}

QString TrainingPage::exportBaseName() const
{
    const QString folder = m_session->runFolder();
    return folder.isEmpty() ? QStringLiteral("aestudio") : QFileInfo(folder).fileName();
}

QStringList TrainingPage::exportAll(const QString &runFolder, const QString &folder)
{
    m_charts->flushNow();
    StudioExporter::Everything w;
    w.lossChart = m_charts->lossChart();
    w.psnrChart = m_charts->psnrChart();
    w.original = m_grids->original()->image();
    w.noisy = m_grids->noisy()->image();
    w.reconstructed = m_grids->reconstructed()->image();
    if (!w.original.isNull())
        w.stacked = m_grids->stacked();
    w.runFolder = runFolder;
    if (m_robustness->curveCount() > 0) {
        w.robustnessChart = m_robustness->chart();
        w.robustnessCsv = m_robustness->csv();
    }
    if (!m_session->epochGrids().isEmpty())
        w.epochStrip = epochStrip();
    return StudioExporter::all(w, folder);
}

QList<QAction *> TrainingPage::exportActions()
{
    QList<QAction *> actions;
    // `file` ends the suggested name, after the run's: "2026-11-27-211704-mnist-d3-l50-loss.png".
    auto exportOne
        = [&](const QString &name, const QString &text, const QString &filter, const char *file, auto write) {
              auto *a = new QAction(text, this);
              a->setObjectName(name);
              const QString suffix = QLatin1Char('-') + QLatin1String(file);
              connect(a, &QAction::triggered, this, [this, filter, write, suffix] {
                  const QString path = FileDialogs::saveFile(this, tr("Export"), exportBaseName() + suffix, filter);
                  if (path.isEmpty())
                      return;
                  try {
                      write(path);
                  } catch (const std::exception &e) {
                      Q_EMIT problem(describeError(e));
                  }
              });
              actions << a;
          };
    exportOne(QStringLiteral("exportLossPng"), tr("Loss chart as PNG…"), tr("PNG (*.png)"), "loss.png",
              [this](const QString &p) { StudioExporter::chartPng(*m_charts->lossChart(), p); });
    exportOne(QStringLiteral("exportLossSvg"), tr("Loss chart as SVG…"), tr("SVG (*.svg)"), "loss.svg",
              [this](const QString &p) { StudioExporter::chartSvg(*m_charts->lossChart(), p); });
    exportOne(QStringLiteral("exportPsnrPng"), tr("PSNR chart as PNG…"), tr("PNG (*.png)"), "psnr.png",
              [this](const QString &p) { StudioExporter::chartPng(*m_charts->psnrChart(), p); });
    exportOne(QStringLiteral("exportPsnrSvg"), tr("PSNR chart as SVG…"), tr("SVG (*.svg)"), "psnr.svg",
              [this](const QString &p) { StudioExporter::chartSvg(*m_charts->psnrChart(), p); });
    exportOne(QStringLiteral("exportGrids"), tr("All three grids as PNG…"), tr("PNG (*.png)"), "grids.png",
              [this](const QString &p) { StudioExporter::image(m_grids->stacked(), p); });
    exportOne(QStringLiteral("exportReconstructed"), tr("Reconstruction grid as PNG…"), tr("PNG (*.png)"),
              "reconstructed.png",
              [this](const QString &p) { StudioExporter::image(m_grids->reconstructed()->image(), p); });
    exportOne(QStringLiteral("exportCsv"), tr("Metrics as CSV…"), tr("CSV (*.csv)"), "metrics.csv",
              [this](const QString &p) { StudioExporter::metricsCsv(m_session->history(), p); });
    // No installed Qt image plugin writes animations (gif is read-only, webp writes single frames): a strip.
    exportOne(QStringLiteral("exportEpochStrip"), tr("Reconstructions of every epoch as PNG…"), tr("PNG (*.png)"),
              "epochs.png", [this](const QString &p) { StudioExporter::image(epochStrip(), p); });
    QAction *strip = actions.last();
    strip->setIconText(tr("Export…"));
    strip->setToolTip(tr("Export the probe reconstructions of every epoch as one PNG, a row per epoch"));
    auto enable = [this, strip] { strip->setEnabled(!m_session->epochGrids().isEmpty()); };
    connect(m_session, &TrainingSession::epochGridsChanged, strip, enable);
    enable();
    m_scrubber->setExportAction(strip);
    return actions;
}

} // namespace aestudio
