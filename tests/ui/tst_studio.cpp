// The studio window driven as a user would, offscreen, on a tiny dataset the test writes.
#include "ChartsPanel.h"
#include "AtomicFile.h"
#include "ConfigPanel.h"
#include "ExperimentsPanel.h"
#include "RobustnessPanel.h"
#include "ImageGrid.h"
#include "ImageGridPanel.h"
#include "DatasetCatalog.h"
#include "DrawPad.h"
#include "ErrorViewsPanel.h"
#include "Errors.h"
#include "RecipeActions.h"
#include "LatentExplorerPanel.h"
#include "LatentScatter.h"
#include "LiveChart.h"
#include "MainWindow.h"
#include "Metrics.h"
#include "ReportActions.h"
#include "TileZoomDialog.h"
#include "NoiseExplorerPanel.h"
#include "PreviewRunner.h"
#include "RunDirectory.h"
#include "RunsPanel.h"
#include "StudioSettings.h"
#include "SweepPlan.h"
#include "SweepWatcher.h"
#include "TimeScrubber.h"
#include "TrainingSession.h"
#include "TinyIdx.h"

#include <QAction>
#include <QDir>
#include <QImage>
#include <QLabel>
#include <QProgressBar>
#include <QSettings>
#include <QSignalSpy>
#include <QCheckBox>
#include <QDockWidget>
#include <QMenu>
#include <QMouseEvent>
#include <QSlider>
#include <QComboBox>
#include <QAbstractSpinBox>
#include <QTabWidget>
#include <QToolTip>
#include <QStatusBar>
#include <QStandardPaths>
#include <QSvgRenderer>
#include <QTableWidget>
#include <QRegularExpression>
#include <QThreadPool>
#include <QFontMetrics>
#include <QValueAxis>
#include <QScrollBar>
#include <QScrollArea>
#include <QLineEdit>
#include <QSpinBox>
#include <QTreeView>
#include <QPushButton>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace aestudio;
using namespace aestudio::testing;

namespace {
template <typename Pred> bool anyRun(const RunsPanel *panel, Pred pred)
{
    const QVector<RunRecord> runs = panel->runs();
    return std::any_of(runs.begin(), runs.end(), pred);
}
} // namespace

class TestStudio : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void shortRunGrowsChartsAndGrids();
    void stopMidRunEndsCleanly();
    void destroyingTheWindowMidRunEndsCleanly();
    void noiseSliderChangesNoisyGridAndPsnr();
    void exportsLoadBack();
    void runIsKeptAcrossARestartAndResumes();
    void runsMadeElsewhereAppearLive();
    void runFinishingWhileFirstListedIsNotLeftRunning();
    void gridsShowTheProbesBeforeTraining();
    void shortSplitGridsReadOnlyTheirProbes();
    void runsCanBeRenamedNotedAndTrashed();
    void emptyRunsListSaysWhereItLooks();
    void badSettingsFallBackToDefaults();
    void settingsKeepValuesTheirWidgetsCannotShow();
    void openedCheckpointRestoresConfigAndExplorer();
    void missingDatasetDisablesStart();
    void queueingATwoRunGridFillsTheTables();
    void robustnessCurveFollowsTheExplorer();
    void longCurvesAreDrawnDecimatedWithTheirExtremes();
    void smoothingIsPerStepAndMatchesTensorBoard();
    void legendNamesOnlyTheCurvesDrawn();
    void continueTrainsToTheTotalEpochs();
    void gridTooltipIsReadable();
    void latentSpaceProjectsDecodesAndInterpolates();
    void drawingIsDenoisedLive();
    void cleanInputIsNeverGivenANoisyPsnr();
    void scrubberShowsEachStoredEpoch();
    void handDrawnSevenComesBackAsASeven();
    void recipesOpenSaveAndAreListed();
    void sweepFolderIsFollowedAsCellsFinishElsewhere();
    void whereItFailsShowsWorstImagesAndClasses();
    void tilesOpenLargeWithAPixelReadout();
    void exportReportWritesThePdfOfTheRun();
    void firstRunExplainsItself();
    void windowFitsASmallScreen();
    void logLossAxisHasLabelledOneTwoFiveTicks();
    void shortChartsKeepReadableRoundTicks();

private:
    TrainingConfig tinyConfig(int epochs) const;
    bool nonBlank(const QImage &img) const;
    std::unique_ptr<MainWindow> trainedWindow(int epochs);
    QTemporaryDir m_dir;
    QString m_data;
    QString m_longData; // ten times m_data: epochs long enough for the GUI to stop a run at a chosen point
};

void TestStudio::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("aestudio-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_studio"));
    m_data = m_dir.filePath(QStringLiteral("data"));
    writeDataset(m_data, 480, 40, true);
    m_longData = m_dir.filePath(QStringLiteral("long-data"));
    writeDataset(m_longData, 4800, 40, true);
    // Each test run starts with an empty runs root of its own.
    qputenv("AESTUDIO_RUNS_DIR", m_dir.filePath(QStringLiteral("runs")).toLocal8Bit());
}

void TestStudio::init()
{
    QSettings settings;
    settings.clear();
    // Each window starts on the tiny dataset: the default one (all of Fashion-MNIST, where installed) would be loaded
    // for the probe grids in the background, taking a core from the test's own runs.
    StudioSettings::saveConfig(settings, tinyConfig(1));
}

TrainingConfig TestStudio::tinyConfig(int epochs) const
{
    TrainingConfig c = StudioSettings::defaults();
    c.dataset = m_data;
    c.epochs = epochs;
    c.batchSize = 16;
    c.threads = 2;
    return c;
}

bool TestStudio::nonBlank(const QImage &img) const
{
    if (img.isNull())
        return false;
    const QRgb first = img.pixel(0, 0);
    for (int y = 0; y < img.height(); y += 3)
        for (int x = 0; x < img.width(); x += 3)
            if (img.pixel(x, y) != first)
                return true;
    return false;
}

std::unique_ptr<MainWindow> TestStudio::trainedWindow(int epochs)
{
    auto w = std::make_unique<MainWindow>();
    w->configPanel()->setConfig(tinyConfig(epochs));
    QSignalSpy finished(w->session(), &TrainingSession::finished);
    w->startRun(MainWindow::StartMode::Fresh);
    [&] { QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000); }();
    w->chartsPanel()->flushNow();
    return w;
}

void TestStudio::shortRunGrowsChartsAndGrids()
{
    MainWindow w;
    w.show();
    w.configPanel()->setConfig(tinyConfig(3));
    QVERIFY(w.action(QStringLiteral("start"))->isEnabled());
    QSignalSpy finished(w.session(), &TrainingSession::finished);
    QSignalSpy epochs(w.session(), &TrainingSession::epochFinished);
    QSignalSpy batches(w.session(), &TrainingSession::batchProgress);
    QSignalSpy redraws(w.chartsPanel(), &ChartsPanel::redrawn);
    QSignalSpy previews(w.gridPanel(), &ImageGridPanel::previewShown);
    w.startRun(MainWindow::StartMode::Fresh);
    QVERIFY(!w.action(QStringLiteral("start"))->isEnabled());
    QVERIFY(!w.configPanel()->findChild<QWidget *>(QStringLiteral("latent"))->isEnabled()); // locked while running
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
    QCOMPARE(epochs.count(), 3);
    QVERIFY(batches.count() >= 3);
    QCOMPARE(w.session()->state(), TrainingSession::State::Finished);
    QVERIFY(w.windowTitle().contains(QStringLiteral("Finished")));

    // Charts: the folded redraw lands within ~40 ms and shows every epoch point.
    QTRY_COMPARE(w.chartsPanel()->lossChart()->shownPointCount(3), 3); // validation per epoch
    QCOMPARE(w.chartsPanel()->psnrChart()->shownPointCount(0), 3);
    QVERIFY(w.chartsPanel()->lossChart()->shownPointCount(0) >= 3); // raw batch losses
    QVERIFY(redraws.count() < batches.count() + epochs.count() + 2);
    QCOMPARE(w.progressBar()->value(), 1000);

    // Grids: all three show 2 rows x 8 probes at 2x, and updated more than once (every epoch at least).
    QTRY_VERIFY(previews.count() >= 3);
    for (ProbeGridView *g : {w.gridPanel()->original(), w.gridPanel()->noisy(), w.gridPanel()->reconstructed()}) {
        QCOMPARE(g->image().size(), QSize(8 * 28 * 2, 2 * 28 * 2));
        QVERIFY(nonBlank(g->image()));
    }
    QVERIFY(w.gridPanel()->noisy()->image() != w.gridPanel()->original()->image());
    QVERIFY(w.gridPanel()->reconstructed()->tipAt(QPoint(5, 5)).contains(QStringLiteral("dB")));
    QVERIFY(w.action(QStringLiteral("save"))->isEnabled());

    // The run is a run folder, listed by the Runs browser; comparing it overlays its curves from disk.
    RunsPanel *runs = w.runsPanel();
    const QString folder = w.session()->runFolder();
    QVERIFY(folder.startsWith(m_dir.filePath(QStringLiteral("runs"))));
    QTRY_VERIFY(anyRun(runs, [&](const RunRecord &r) {
        return r.path == folder && r.status == RunRecord::Status::Finished && r.epochsDone() == 3;
    }));
    const int lossSeries = w.chartsPanel()->lossChart()->seriesCount();
    runs->select({folder});
    QPushButton *compare = nullptr;
    for (QPushButton *b : runs->findChildren<QPushButton *>())
        if (b->text() == QStringLiteral("Compare"))
            compare = b;
    QVERIFY(compare && compare->isEnabled());
    compare->click();
    QCOMPARE(w.chartsPanel()->pinCount(), 1);
    QCOMPARE(w.chartsPanel()->lossChart()->seriesCount(), lossSeries + 1);
    QCOMPARE(w.chartsPanel()->lossChart()->points(lossSeries).size(), 3);
    w.action(QStringLiteral("clearPins"))->trigger();
    QCOMPARE(w.chartsPanel()->lossChart()->seriesCount(), lossSeries);
    w.chartsPanel()->flushNow();
    QCOMPARE(w.chartsPanel()->lossChart()->shownPointCount(3), 3); // the live curves survive clearing
}

void TestStudio::stopMidRunEndsCleanly()
{
    MainWindow w;
    TrainingConfig c = tinyConfig(200);
    c.batchSize = 4;
    w.configPanel()->setConfig(c);
    QSignalSpy finished(w.session(), &TrainingSession::finished);
    QSignalSpy batches(w.session(), &TrainingSession::batchProgress);
    w.startRun(MainWindow::StartMode::Fresh);
    QTRY_VERIFY_WITH_TIMEOUT(batches.count() >= 2, 30000);
    w.action(QStringLiteral("stop"))->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
    QCOMPARE(w.session()->state(), TrainingSession::State::Stopped);
    QVERIFY(finished.first().first().value<TrainingSummary>().stopped);
    QVERIFY(w.action(QStringLiteral("start"))->isEnabled());
}

void TestStudio::destroyingTheWindowMidRunEndsCleanly()
{
    auto w = std::make_unique<MainWindow>();
    TrainingConfig c = tinyConfig(500);
    c.batchSize = 4;
    w->configPanel()->setConfig(c);
    QSignalSpy batches(w->session(), &TrainingSession::batchProgress);
    w->startRun(MainWindow::StartMode::Fresh);
    QTRY_VERIFY_WITH_TIMEOUT(batches.count() >= 2, 30000);
    QTRY_VERIFY(!w->session()->runFolder().isEmpty());
    const QString folder = w->session()->runFolder();
    QElapsedTimer t;
    t.start();
    w.reset(); // stops within one batch and joins the worker thread
    // 500 epochs would take minutes; the bound leaves room for a slow disk's fsync of run.json.
    QVERIFY2(t.elapsed() < 20000, qPrintable(QString::number(t.elapsed())));
    const RunRecord record = RunRecord::read(folder);
    QCOMPARE(record.status, RunRecord::Status::Stopped);
    QVERIFY(record.epochsDone() < 500);
}

void TestStudio::noiseSliderChangesNoisyGridAndPsnr()
{
    auto w = trainedWindow(2);
    QTRY_VERIFY(!w->gridPanel()->reconstructed()->image().isNull());
    QLabel *result = w->explorer()->findChild<QLabel *>(QStringLiteral("explorerResult"));
    QSlider *slider = w->explorer()->slider();
    QVERIFY(slider->isEnabled());
    const QImage noisyBefore = w->gridPanel()->noisy()->image();
    const QString textBefore = result->text();
    slider->setValue(slider->value() == 10 ? 90 : 10);
    // Waits on the grid itself: a preview still in flight from training may land first, with the old noise level.
    QTRY_VERIFY(w->gridPanel()->noisy()->image() != noisyBefore);
    QTRY_VERIFY(result->text() != textBefore);
    QVERIFY(result->text().contains(QStringLiteral("dB")));
    // Dragging fast: many requests, only the newest lands.
    for (int v = 0; v <= 100; v += 5)
        slider->setValue(v);
    QTRY_VERIFY(result->text().contains(QStringLiteral("1.00")));
}

void TestStudio::exportsLoadBack()
{
    auto w = trainedWindow(2);
    w->resize(1400, 900);
    w->show();
    QTRY_VERIFY(!w->gridPanel()->reconstructed()->image().isNull());
    QTemporaryDir out;
    const QStringList files = w->exportAll(out.path());
    // The run folder's own layout (as `aestudio-cli train` writes it), then the studio's views.
    for (const char *name :
         {"config.json", "metrics.csv", "checkpoint.aes", "best.aes", "grid.png", "run.json", "loss.png", "loss.svg",
          "psnr.png", "psnr.svg", "grid-original.png", "grid-noisy.png", "grid-reconstructed.png", "grid-explorer.png"})
        QVERIFY2(files.contains(QString::fromLatin1(name)) && QFile::exists(out.filePath(QString::fromLatin1(name))),
                 name);
    QFile recipe(out.filePath(QStringLiteral("config.json")));
    QVERIFY(recipe.open(QIODevice::ReadOnly));
    const QByteArray recipeText = recipe.readAll();
    QVERIFY2(recipeText.contains("sha256") && recipeText.contains("\"torch\""), recipeText.constData());
    QCOMPARE(QImage(out.filePath(QStringLiteral("grid.png"))).size(), QSize(16 * 28 * 4, 3 * 28 * 4));

    const LiveChart *loss = w->chartsPanel()->lossChart();
    const QImage png(out.filePath(QStringLiteral("loss.png")));
    const qreal ratio = 2.0 * loss->devicePixelRatioF();
    QCOMPARE(png.size(), (QSizeF(loss->size()) * ratio).toSize());
    QVERIFY(nonBlank(png));
    QSvgRenderer svg(out.filePath(QStringLiteral("psnr.svg")));
    QVERIFY(svg.isValid());
    QVERIFY(!svg.defaultSize().isEmpty());
    const QImage grids(out.filePath(QStringLiteral("grid-explorer.png")));
    QVERIFY(nonBlank(grids));
    QCOMPARE(QImage(out.filePath(QStringLiteral("grid-noisy.png"))).size(), QSize(8 * 28 * 2, 2 * 28 * 2));
    QFile csv(out.filePath(QStringLiteral("metrics.csv")));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    QCOMPARE(csv.readAll().trimmed().split('\n').size(), 1 + 2); // header + one row per epoch
}

// Issue 10's walk: train, stop after 2 epochs, quit without saving; a new window lists the run, opens its curves
// and grids, and Resume continues it in the same folder to its planned epochs.
void TestStudio::runIsKeptAcrossARestartAndResumes()
{
    QString folder;
    {
        MainWindow w;
        // Epochs of 1000 steps (~0.5 s): the stop asked for at the end of epoch 2 lands well inside epoch 3.
        TrainingConfig c = tinyConfig(4);
        c.dataset = m_longData;
        c.batchSize = 4;
        w.configPanel()->setConfig(c);
        QSignalSpy epochs(w.session(), &TrainingSession::epochFinished);
        QSignalSpy finished(w.session(), &TrainingSession::finished);
        connect(w.session(), &TrainingSession::epochFinished, &w, [&](const EpochMetrics &m) {
            if (m.epoch == 2)
                w.session()->stop();
        });
        w.startRun(MainWindow::StartMode::Fresh);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        QCOMPARE(epochs.count(), 2);
        folder = w.session()->runFolder();
    } // closed without Save
    MainWindow again;
    RunsPanel *runs = again.runsPanel();
    QTRY_VERIFY(anyRun(runs, [&](const RunRecord &r) {
        return r.path == folder && r.status == RunRecord::Status::Stopped && r.epochsDone() == 2;
    }));
    QTRY_COMPARE(runs->view()->model()->rowCount(), int(runs->runs().size()));
    QSignalSpy probes(&again, &MainWindow::probesReady);
    QSignalSpy opened(&again, &MainWindow::checkpointOpened);
    again.openRun(folder);
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 20000);
    QCOMPARE(again.session()->history().size(), 2);
    again.chartsPanel()->flushNow();
    QCOMPARE(again.chartsPanel()->lossChart()->shownPointCount(3), 2);
    QTRY_COMPARE_WITH_TIMEOUT(probes.count(), 1, 20000); // the grids get the run's probe images
    // On the grid itself: a preview of the window's first probes, without a model, may be shown before the run's.
    QTRY_VERIFY(nonBlank(again.gridPanel()->reconstructed()->image()));

    QSignalSpy finished(again.session(), &TrainingSession::finished);
    Q_EMIT runs->resumeRequested(folder);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
    QCOMPARE(again.session()->runFolder(), folder);
    const RunRecord done = RunRecord::read(folder);
    QCOMPARE(done.status, RunRecord::Status::Finished);
    QCOMPARE(done.epochsDone(), 4);
    QCOMPARE(done.history.size(), 4);
}

// Epochs means the total to train to, in the studio as with the CLI's --resume: a run stopped at 1 of 3 continues
// to 3, not for 3 more; the title says where it stands and the status bar sums the run up.
void TestStudio::continueTrainsToTheTotalEpochs()
{
    MainWindow w;
    TrainingConfig c = tinyConfig(3);
    // 2000 steps an epoch of the 5-layer model: about a second, so the GUI hears of epoch 2 (in bursts every 200 ms)
    // and its stop lands long before epoch 2 ends. 400 steps (~0.15 s) could end before the first burst came.
    c.dataset = m_longData;
    c.batchSize = 2;
    c.model.hidden = ModelSpec::hiddenForDepth(5);
    w.configPanel()->setConfig(c);
    QSignalSpy finished(w.session(), &TrainingSession::finished);
    // Stopped in the middle of epoch 2: the model is kept at the end of epoch 1.
    connect(w.session(), &TrainingSession::batchProgress, &w, [&](const BatchProgress &p) {
        if (p.epoch == 2 && p.batch < p.batches)
            w.session()->stop();
    });
    w.startRun(MainWindow::StartMode::Fresh);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
    QCOMPARE(w.session()->history().size(), 1);
    QVERIFY2(w.windowTitle().contains(QLatin1String("Stopped at 1/3")), qPrintable(w.windowTitle()));
    w.chartsPanel()->flushNow();
    QVERIFY(w.chartsPanel()->lossChart()->points(0).last().x() > 1.0); // epoch 2's first steps were drawn
    disconnect(w.session(), &TrainingSession::batchProgress, &w, nullptr);
    w.startRun(MainWindow::StartMode::Continue);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 60000);
    QCOMPARE(w.session()->history().size(), 3); // to the total, not 3 more
    QVERIFY2(w.windowTitle().contains(QLatin1String("Finished 3/3")), qPrintable(w.windowTitle()));
    const QString status = w.statusBar()->findChildren<QLabel *>().value(0)->text();
    QVERIFY2(status.contains(QLatin1String("best val")) && status.contains(QLatin1String(" dB")), qPrintable(status));
    // The steps drawn after the stop were dropped before continuing: the loss curve never runs backwards.
    w.chartsPanel()->flushNow();
    const QVector<QPointF> &steps = w.chartsPanel()->lossChart()->points(0);
    for (int i = 1; i < steps.size(); ++i)
        QVERIFY2(steps[i].x() > steps[i - 1].x(),
                 qPrintable(QStringLiteral("step %1 at x=%2").arg(i).arg(steps[i].x())));
}

// A run folder that appears under the runs root (as the CLI makes one) shows up without a restart.
void TestStudio::runsMadeElsewhereAppearLive()
{
    MainWindow w;
    RunsPanel *runs = w.runsPanel();
    QSignalSpy scanned(runs, &RunsPanel::scanned);
    QTRY_VERIFY(scanned.count() >= 1);
    const int before = int(runs->runs().size());
    const RunDirectory made = RunDirectory::createNew(tinyConfig(1), QStringLiteral("from-the-cli"));
    AtomicFile::writeJson(made.file(QStringLiteral("config.json")),
                          QJsonObject{{QStringLiteral("config"), tinyConfig(1).toJson()}});
    QTRY_COMPARE_WITH_TIMEOUT(int(runs->runs().size()), before + 1, 5000);
    QVERIFY(anyRun(runs, [&](const RunRecord &r) { return r.path == made.path(); }));
}

// The race CI met: a scan reads a new run folder as running, the run finishes before that folder is watched, and
// nothing would ever rescan it. The status is rewritten after the scan's read and before its result is shown.
void TestStudio::runFinishingWhileFirstListedIsNotLeftRunning()
{
    const RunDirectory made = RunDirectory::createNew(tinyConfig(1), QStringLiteral("finishes-early"));
    AtomicFile::writeJson(made.file(QStringLiteral("config.json")),
                          QJsonObject{{QStringLiteral("config"), tinyConfig(1).toJson()}});
    const QDateTime started = QDateTime::currentDateTime();
    made.writeStatus(QStringLiteral("running"), started);
    RunsPanel runs;
    QThreadPool::globalInstance()->waitForDone(); // the first scan has read the folder; its result is queued
    made.writeStatus(QStringLiteral("finished"), started);
    QTRY_VERIFY_WITH_TIMEOUT(
        anyRun(&runs,
               [&](const RunRecord &r) { return r.path == made.path() && r.status == RunRecord::Status::Finished; }),
        5000);
}

// No black boxes before the first run: the chosen dataset's probes and their noisy versions, and the slider works.
void TestStudio::gridsShowTheProbesBeforeTraining()
{
    {
        QSettings settings;
        StudioSettings::saveConfig(settings, tinyConfig(1));
    }
    MainWindow w;
    QCOMPARE(w.session()->state(), TrainingSession::State::Idle);
    QTRY_VERIFY_WITH_TIMEOUT(!w.gridPanel()->noisy()->image().isNull(), 20000);
    QVERIFY(nonBlank(w.gridPanel()->original()->image()));
    QVERIFY(nonBlank(w.gridPanel()->noisy()->image()));
    QVERIFY(w.gridPanel()->reconstructed()->image().isNull());
    QSlider *slider = w.explorer()->slider();
    QVERIFY(slider->isEnabled());
    const QImage before = w.gridPanel()->noisy()->image();
    slider->setValue(slider->value() == 80 ? 20 : 80);
    QTRY_VERIFY(w.gridPanel()->noisy()->image() != before); // not a spy: a first preview may still be in flight
    QTRY_VERIFY(
        w.explorer()->findChild<QLabel *>(QStringLiteral("explorerResult"))->text().contains(QStringLiteral("dB")));
    // A button that cannot act yet says so instead of doing nothing.
    QPushButton *measure = w.robustness()->findChild<QPushButton *>();
    QVERIFY(measure && !measure->isEnabled());
}

// A small imported dataset can have fewer than the 16 probes the grids are laid out for (12 validation images: rows
// of 8 and 4). The short row's missing tiles are black, never read past the images (which crashed the studio), the
// captions count the probes there are, and a click on a missing tile opens nothing.
void TestStudio::shortSplitGridsReadOnlyTheirProbes()
{
    const int side = kImageSide;
    std::vector<float> sixteen(std::size_t(16 * kPixelsPerImage), 1.0f); // all white, the 4 after the 12 included
    const QImage tiles = ImageGrid::tiles(sixteen.data(), 12, 8, 1);
    QCOMPARE(tiles.size(), QSize(8 * side, 2 * side));
    const auto tileIs = [&](const QImage &grid, int scale, int index, int value) {
        const QImage tile
            = grid.copy((index % 8) * side * scale, (index / 8) * side * scale, side * scale, side * scale)
                  .convertToFormat(QImage::Format_Grayscale8);
        for (int y = 0; y < tile.height(); ++y)
            for (int x = 0; x < tile.width(); ++x)
                if (qGray(tile.pixel(x, y)) != value)
                    return false;
        return true;
    };
    QVERIFY(tileIs(tiles, 1, 11, 255));
    for (int i = 12; i < 16; ++i)
        QVERIFY2(tileIs(tiles, 1, i, 0), qPrintable(QStringLiteral("tile %1").arg(i)));

    ProbeImages probes;
    probes.count = 12;
    probes.pixels.assign(std::size_t(12 * kPixelsPerImage), 255);
    probes.labels.assign(12, 0);
    const PreviewResult r = PreviewRunner::compute(nullptr, probes, NoiseSpec{NoiseType::Gaussian, 0.0});
    QCOMPARE(r.metrics.images, 12);
    const int scale = PreviewRunner::kScale;
    for (const QImage &grid : {r.original, r.noisy}) {
        QCOMPARE(grid.size(), QSize(8 * side * scale, 2 * side * scale));
        QVERIFY(tileIs(grid, scale, 11, 255));
        for (int i = 12; i < 16; ++i)
            QVERIFY2(tileIs(grid, scale, i, 0), qPrintable(QStringLiteral("tile %1").arg(i)));
    }

    ImageGridPanel panel;
    panel.resize(800, 900);
    panel.show();
    panel.showPreview(r);
    const QList<QLabel *> labels = panel.findChildren<QLabel *>();
    QVERIFY(std::any_of(labels.begin(), labels.end(),
                        [](const QLabel *l) { return l->text() == QStringLiteral("Input (no noise)"); }));
    panel.zoomProbe(13, 0);
    QVERIFY(!panel.zoom());
    panel.zoomProbe(11, 0);
    QVERIFY(panel.zoom() && panel.zoom()->isVisible());
}

// A first start, or runs kept outside the runs root: the empty list says which folder it reads and how to add
// another, instead of being a blank table.
void TestStudio::emptyRunsListSaysWhereItLooks()
{
    QTemporaryDir emptyRoot;
    const QByteArray before = qgetenv("AESTUDIO_RUNS_DIR");
    qputenv("AESTUDIO_RUNS_DIR", emptyRoot.path().toLocal8Bit());
    RunsPanel panel;
    QSignalSpy scanned(&panel, &RunsPanel::scanned);
    QTRY_VERIFY(scanned.count() >= 1);
    auto *hint = panel.findChild<QLabel *>(QStringLiteral("runsEmpty"));
    QVERIFY(hint && hint->isVisibleTo(&panel));
    QVERIFY2(hint->text().contains(QDir::toNativeSeparators(emptyRoot.path()))
                 && hint->text().contains(QStringLiteral("Add folder")),
             qPrintable(hint->text()));
    const RunDirectory made = RunDirectory::createNew(tinyConfig(1), QStringLiteral("first"), emptyRoot.path());
    AtomicFile::writeJson(made.file(QStringLiteral("config.json")),
                          QJsonObject{{QStringLiteral("config"), tinyConfig(1).toJson()}});
    QTRY_VERIFY_WITH_TIMEOUT(panel.runs().size() == 1, 5000);
    QVERIFY(!hint->isVisibleTo(&panel));
    qputenv("AESTUDIO_RUNS_DIR", before);
}

void TestStudio::runsCanBeRenamedNotedAndTrashed()
{
    const RunDirectory made = RunDirectory::createNew(tinyConfig(1), QStringLiteral("to-trash"));
    AtomicFile::writeJson(made.file(QStringLiteral("config.json")),
                          QJsonObject{{QStringLiteral("config"), tinyConfig(1).toJson()}});
    RunsPanel panel;
    QTRY_VERIFY(anyRun(&panel, [&](const RunRecord &r) { return r.path == made.path(); }));
    panel.select({made.path()});
    QCOMPARE(panel.selectedPaths(), QStringList{made.path()});
    panel.renameSelected(QStringLiteral("Baseline"));
    QTRY_VERIFY(anyRun(
        &panel, [&](const RunRecord &r) { return r.path == made.path() && r.name == QLatin1String("Baseline"); }));
    panel.select({made.path()});
    panel.setNoteOfSelected(QStringLiteral("lr too high?"));
    const RunRecord noted = RunRecord::read(made.path());
    QCOMPARE(noted.name, QStringLiteral("Baseline"));
    QCOMPARE(noted.note, QStringLiteral("lr too high?"));
    // The filter finds it by its new name.
    panel.findChild<QLineEdit *>()->setText(QStringLiteral("baseline"));
    QCOMPARE(panel.view()->model()->rowCount(), 1);
    panel.findChild<QLineEdit *>()->clear();

    QTRY_VERIFY(anyRun(&panel, [&](const RunRecord &r) { return r.path == made.path(); }));
    panel.select({made.path()});
    QSignalSpy problems(&panel, &RunsPanel::problem);
    panel.deleteSelected(false);
    QVERIFY2(problems.isEmpty(), problems.isEmpty() ? "" : qPrintable(problems.first().first().toString()));
    QVERIFY(!QFileInfo::exists(made.path()));
    // In Qt's test mode the trash lives under ~/.qttest, never the user's own.
    const QDir trash(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)
                     + QStringLiteral("/Trash/files"));
    const QStringList trashed
        = trash.entryList({QFileInfo(made.path()).fileName() + QLatin1Char('*')}, QDir::Dirs | QDir::NoDotAndDotDot);
    QCOMPARE(trashed.size(), 1);
    QDir(trash.filePath(trashed.first())).removeRecursively();
    QTRY_VERIFY(!anyRun(&panel, [&](const RunRecord &r) { return r.path == made.path(); }));
}

void TestStudio::badSettingsFallBackToDefaults()
{
    {
        QSettings s;
        s.setValue(QStringLiteral("config/latent"), QStringLiteral("banana"));
        s.setValue(QStringLiteral("config/dropout"), 7.5);
        s.setValue(QStringLiteral("config/epochs"), -3);
        s.setValue(QStringLiteral("config/noise_type"), QStringLiteral("purple"));
        s.setValue(QStringLiteral("config/hidden"), QStringLiteral("512,x"));
        s.setValue(QStringLiteral("config/batch_size"), 128); // a good value survives beside the bad ones
    }
    QSettings s;
    const TrainingConfig c = StudioSettings::loadConfig(s);
    const TrainingConfig d = StudioSettings::defaults();
    QCOMPARE(c.model.latent, d.model.latent);
    QCOMPARE(c.model.dropout, d.model.dropout);
    QCOMPARE(c.epochs, d.epochs);
    QCOMPARE(c.noise.type, d.noise.type);
    QCOMPARE(c.model.hidden, d.model.hidden);
    QCOMPARE(c.batchSize, 128);
    MainWindow w; // and the window starts with them
    QCOMPARE(w.configPanel()->config().batchSize, 128);
    QCOMPARE(w.configPanel()->config().model.latent, d.model.latent);
}

// A run made with the CLI may hold values the settings widgets cannot show exactly (the dropout slider stops at
// 0.90, the noise slider at 1.00, the seed box at 10^9, the spin boxes at 6 decimals). Opening it must not quietly
// change them: they are kept as they are until the user changes that field, and the labels say the value used.
void TestStudio::settingsKeepValuesTheirWidgetsCannotShow()
{
    ConfigPanel panel;
    TrainingConfig c = tinyConfig(2);
    c.model.dropout = 0.95;
    c.noise.level = 2.0;
    c.seed = 18446744073709551615ull;
    c.weightDecay = 3e-8;
    c.learningRate = 2.5e-7;
    panel.setConfig(c);
    TrainingConfig back = panel.config();
    QCOMPARE(back.model.dropout, 0.95);
    QCOMPARE(back.noise.level, 2.0);
    QCOMPARE(back.seed, c.seed);
    QCOMPARE(back.weightDecay, 3e-8);
    QCOMPARE(back.learningRate, 2.5e-7);
    QStringList labels;
    for (QLabel *l : panel.findChildren<QLabel *>())
        labels << l->text();
    QVERIFY2(labels.contains(QStringLiteral("0.95")) && labels.contains(QStringLiteral("2.00")),
             qPrintable(labels.join(QLatin1Char('|'))));
    // A field the user moves takes the widget's value; the others stay as they were.
    panel.findChild<QSlider *>(QStringLiteral("dropout"))->setValue(50);
    back = panel.config();
    QCOMPARE(back.model.dropout, 0.5);
    QCOMPARE(back.noise.level, 2.0);
    QCOMPARE(back.seed, c.seed);
    // Values the widgets hold exactly come back as they are too.
    panel.setConfig(tinyConfig(2));
    QCOMPARE(panel.config().model.dropout, tinyConfig(2).model.dropout);
    QCOMPARE(panel.config().noise.level, tinyConfig(2).noise.level);
    QCOMPARE(panel.config().seed, tinyConfig(2).seed);
}

void TestStudio::openedCheckpointRestoresConfigAndExplorer()
{
    QTemporaryDir out;
    const QString path = out.filePath(QStringLiteral("saved.aes"));
    TrainingConfig trained;
    {
        auto w = trainedWindow(2);
        TrainingConfig c = w->configPanel()->config();
        trained = c;
        w->saveCheckpoint(path);
    }
    QVERIFY(QFile::exists(path));
    MainWindow fresh;
    fresh.configPanel()->setConfig(StudioSettings::defaults());
    QVERIFY(!fresh.explorer()->slider()->isEnabled());
    QSignalSpy probes(&fresh, &MainWindow::probesReady);
    QSignalSpy freshShown(fresh.gridPanel(), &ImageGridPanel::previewShown);
    QSignalSpy opened(&fresh, &MainWindow::checkpointOpened);
    fresh.openCheckpoint(path); // loads off the GUI thread
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 20000);
    QVERIFY(opened.first().at(1).toBool());
    QCOMPARE(fresh.configPanel()->config().dataset, trained.dataset);
    QCOMPARE(fresh.configPanel()->config().batchSize, 16);
    QCOMPARE(fresh.session()->history().size(), 2);
    fresh.chartsPanel()->flushNow();
    QCOMPARE(fresh.chartsPanel()->lossChart()->shownPointCount(3), 2);
    QTRY_COMPARE_WITH_TIMEOUT(probes.count(), 1, 20000);
    QVERIFY(fresh.explorer()->slider()->isEnabled());
    QTRY_VERIFY(freshShown.count() >= 1);

    // A corrupt file gives an error and leaves the window as it was.
    const QString bad = out.filePath(QStringLiteral("bad.aes"));
    writeBytes(bad, QByteArray(64, 'x'));
    fresh.openCheckpoint(bad);
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 2, 20000);
    QVERIFY(!opened.last().at(1).toBool());
    QCOMPARE(fresh.session()->history().size(), 2);
}

void TestStudio::missingDatasetDisablesStart()
{
    MainWindow w;
    TrainingConfig c = tinyConfig(1);
    c.dataset = m_dir.filePath(QStringLiteral("empty-folder"));
    QDir().mkpath(c.dataset);
    w.configPanel()->setConfig(c);
    QAction *start = w.action(QStringLiteral("start"));
    QVERIFY(!start->isEnabled());
    QVERIFY(start->toolTip().contains(QStringLiteral("IDX")));
    w.startRun(MainWindow::StartMode::Fresh); // does nothing, and says why in the tooltip
    QCOMPARE(w.session()->state(), TrainingSession::State::Idle);
}

void TestStudio::queueingATwoRunGridFillsTheTables()
{
    MainWindow w;
    w.configPanel()->setConfig(tinyConfig(1));
    ExperimentsPanel *panel = w.experiments();
    QTemporaryDir out;
    panel->setOutputFolder(out.path());
    auto edit = [panel](const char *name) { return panel->findChild<QLineEdit *>(QLatin1String(name)); };
    edit("depths")->setText(QStringLiteral("3"));
    edit("latents")->setText(QStringLiteral("8,16"));
    edit("dropouts")->setText(QStringLiteral("0"));
    panel->findChild<QSpinBox *>(QStringLiteral("sweepEpochs"))->setValue(1);
    QSignalSpy done(panel, &ExperimentsPanel::sweepFinished);
    panel->queue();
    QVERIFY(panel->running());
    QCOMPARE(panel->runTable()->rowCount(), 2);
    QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 60000);
    for (int row = 0; row < 2; ++row) {
        QCOMPARE(panel->runTable()->item(row, 5)->text(), QStringLiteral("done"));
        QVERIFY(panel->runTable()->item(row, 7)->data(Qt::DisplayRole).toDouble() > 0);
    }
    QCOMPARE(panel->pivotTable()->rowCount(), 1);
    QCOMPARE(panel->pivotTable()->columnCount(), 3); // two latents + best latent
    QVERIFY(QFile::exists(QDir(out.path()).filePath(QStringLiteral("results.csv"))));
    QVERIFY(QFile::exists(QDir(out.path()).filePath(QStringLiteral("table.md"))));
    // The settings every run shared are in the form, taken from the Training tab.
    QCOMPARE(panel->findChild<QComboBox *>(QStringLiteral("sweepDataset"))->currentData().toString(), m_data);
    QCOMPARE(panel->spec().base.dataset, m_data);

    // A restart: the form comes back as it was queued, and the past sweep opens without running anything.
    {
        ExperimentsPanel again;
        QCOMPARE(again.findChild<QLineEdit *>(QStringLiteral("latents"))->text(), QStringLiteral("8,16"));
        QCOMPARE(again.spec().base.dataset, m_data);
        again.openSweep(out.path());
        QVERIFY(!again.running());
        QCOMPARE(again.runTable()->rowCount(), 2);
        // Read off the GUI thread from the folder's plan and results.
        QTRY_COMPARE(again.runTable()->item(0, 5)->text(), QStringLiteral("done earlier"));
        QTRY_COMPARE(again.pivotTable()->columnCount(), 3);
        QCOMPARE(again.outputFolder(), out.path());
    }

    // Double-clicking a run opens it in the studio.
    QSignalSpy opened(panel, &ExperimentsPanel::openRun);
    Q_EMIT panel->runTable()->cellDoubleClicked(0, 0);
    QCOMPARE(opened.count(), 1);
    QTRY_COMPARE(w.session()->history().size(), 1); // loaded off the GUI thread

    // Diff shows only the settings that differ.
    panel->runTable()->selectAll();
    QCOMPARE(panel->diffSelected(), QStringLiteral("latent: 8 | 16"));

    // A bad grid is refused with a message, not a crash.
    edit("latents")->setText(QStringLiteral("8,x"));
    panel->queue();
    QVERIFY(!panel->running());
}

void TestStudio::robustnessCurveFollowsTheExplorer()
{
    auto w = trainedWindow(2);
    RobustnessPanel *panel = w->robustness();
    QSignalSpy measured(panel, &RobustnessPanel::measured);
    panel->measure();
    QTRY_COMPARE_WITH_TIMEOUT(measured.count(), 1, 20000);
    LiveChart *chart = panel->chart();
    QVERIFY2(chart->seriesName(2).startsWith(QLatin1String("784-256-128-"))
                 && chart->seriesName(2).contains(QLatin1String("epoch 2")),
             qPrintable(chart->seriesName(2)));
    // The same model again: no second, identical curve.
    QVERIFY(panel->measuredCurrentModel());
    panel->measure();
    QTest::qWait(200);
    QCOMPARE(panel->curveCount(), 1);
    // Another model with the very same label (its checkpoint opened: same architecture, epoch and noise): the first
    // curve is greyed out and says so, and the new model gets its own curve.
    const QString label = chart->seriesName(2);
    QSignalSpy opened(w.get(), &MainWindow::checkpointOpened);
    w->openRun(w->session()->runFolder());
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 20000);
    QVERIFY(opened.first().at(1).toBool());
    QVERIFY2(chart->seriesName(2) == label + QStringLiteral(" (earlier model)"), qPrintable(chart->seriesName(2)));
    QCOMPARE(chart->seriesColor(2), QColor(186, 189, 182));
    panel->measure();
    QTRY_COMPARE_WITH_TIMEOUT(measured.count(), 2, 20000);
    QCOMPARE(panel->curveCount(), 2);
    QVERIFY(chart->seriesColor(3) != chart->seriesColor(1)); // never the marker's red
    const QList<QByteArray> csv = panel->csv().trimmed().split('\n');
    QCOMPARE(csv.size(), 12);                       // header + 11 levels
    QCOMPARE(csv.first().count("psnr_mean_db"), 3); // both curves and the noisy input
    // Export all carries the curves.
    QTemporaryDir exported;
    const QStringList files = w->exportAll(exported.path());
    for (const char *name : {"robustness.csv", "robustness.png", "robustness.svg"})
        QVERIFY2(files.contains(QLatin1String(name)), qPrintable(files.join(QLatin1Char(' '))));
    // Series: noisy input, explorer marker, then one per measured run.
    QCOMPARE(chart->seriesCount(), 4);
    QCOMPARE(chart->points(2).size(), 11);
    QCOMPARE(chart->points(2).last().x(), 1.0);
    QCOMPARE(chart->points(0).size(), 10); // the noisy input, for every level but 0
    w->explorer()->slider()->setValue(70);
    QCOMPARE(chart->points(1).first().x(), 0.7);
    QCOMPARE(chart->points(1).last().x(), 0.7);
}

// What a first start shows: a hint in the empty charts, a tooltip on every setting, a ready line, tab keys, and
// Export all off until there is something to export.
void TestStudio::firstRunExplainsItself()
{
    MainWindow w;
    w.configPanel()->setConfig(tinyConfig(1));
    w.show();
    QVERIFY(w.chartsPanel()->lossChart()->placeholderShown());
    for (QWidget *field : w.configPanel()->findChildren<QWidget *>())
        if (qobject_cast<QComboBox *>(field) || qobject_cast<QAbstractSpinBox *>(field)
            || qobject_cast<QSlider *>(field))
            QVERIFY2(!field->toolTip().isEmpty(), qPrintable(field->objectName() + QLatin1String(" has no tooltip")));
    const QString status = w.statusBar()->findChildren<QLabel *>().value(0)->text();
    QVERIFY2(status.startsWith(QLatin1String("Ready: ")) && status.contains(QLatin1String("400 / 80 / 40")),
             qPrintable(status)); // 480 training images: 5/6 train, 1/6 validation; 40 test
    QVERIFY(!w.action(QStringLiteral("exportAll"))->isEnabled());
    w.action(QStringLiteral("tab2"))->trigger();
    QCOMPARE(w.findChild<QTabWidget *>()->currentIndex(), 1);
    w.action(QStringLiteral("tab1"))->trigger();
    QVERIFY(w.action(QStringLiteral("shortcuts")));
    // A 1024x700 laptop screen holds the whole window, and the settings dock can be hidden to give the charts room.
    w.resize(1024, 700);
    QVERIFY2(w.width() <= 1024, qPrintable(QString::number(w.width())));
    auto *dock = w.findChild<QDockWidget *>(QStringLiteral("settingsDock"));
    QVERIFY(dock && dock->isVisible());
    const int chartsWidth = w.chartsPanel()->width();
    dock->toggleViewAction()->trigger();
    QTRY_VERIFY(w.chartsPanel()->width() > chartsWidth);
    dock->toggleViewAction()->trigger();

    QSignalSpy finished(w.session(), &TrainingSession::finished);
    w.startRun(MainWindow::StartMode::Fresh);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
    w.chartsPanel()->flushNow();
    QVERIFY(!w.chartsPanel()->lossChart()->placeholderShown());
    QVERIFY(w.action(QStringLiteral("exportAll"))->isEnabled());
}

// The Latent space tab: the trained model's codes projected and drawn by class; the pointer over a dot shows its
// image, over empty space decodes the plane point; two picks give a 10-step strip that exports as PNG.
void TestStudio::latentSpaceProjectsDecodesAndInterpolates()
{
    auto w = trainedWindow(2);
    LatentExplorerPanel *latent = w->findChild<LatentExplorerPanel *>();
    QVERIFY(latent);
    QSignalSpy projected(latent, &LatentExplorerPanel::projected);
    latent->refresh();
    QTRY_VERIFY_WITH_TIMEOUT(projected.count() >= 1, 20000);
    QCOMPARE(latent->scatter()->pointCount(), 80); // 480 training images: 1/6 validation
    QCOMPARE(latent->projection().dim, tinyConfig(1).model.latent);
    QVERIFY(latent->projection().explained[0] >= latent->projection().explained[1]);

    w->show();
    w->action(QStringLiteral("tab4"))->trigger();
    QTRY_VERIFY(latent->scatter()->isVisible());
    QSignalSpy shown(latent, &LatentExplorerPanel::previewShown);
    const QPointF dot = latent->scatter()->toWidget(latent->projection().points[0], latent->projection().points[1]);
    QMouseEvent move(QEvent::MouseMove, dot, latent->scatter()->mapToGlobal(dot), Qt::NoButton, Qt::NoButton,
                     Qt::NoModifier);
    QApplication::sendEvent(latent->scatter(), &move);
    QTRY_VERIFY(shown.count() >= 1);
    QCOMPARE(latent->preview().size(), QSize(4 * 28, 4 * 28));
    latent->previewPlane(3.0, -2.0); // empty space: decoded
    QTRY_VERIFY(shown.count() >= 2);
    QVERIFY(nonBlank(latent->preview()) || !latent->preview().isNull());

    QSignalSpy strip(latent, &LatentExplorerPanel::stripShown);
    latent->pick(0);
    latent->pick(5);
    QTRY_COMPARE_WITH_TIMEOUT(strip.count(), 1, 20000);
    QCOMPARE(latent->strip().size(), QSize(10 * 2 * 28, 2 * 28));
    QTemporaryDir out;
    const QString png = out.filePath(QStringLiteral("strip.png"));
    latent->exportStrip(png);
    QCOMPARE(QImage(png).size(), latent->strip().size());
}

// The draw pad: a stroke with the mouse changes the drawing, and the model's reconstruction of it follows.
void TestStudio::drawingIsDenoisedLive()
{
    auto w = trainedWindow(1);
    DrawPad *pad = w->findChild<DrawPad *>();
    QVERIFY(pad);
    w->show();
    w->action(QStringLiteral("tab5"))->trigger();
    QTRY_VERIFY(pad->canvas()->isVisible());
    QSignalSpy done(pad, &DrawPad::reconstructed);
    pad->clear();
    QTRY_VERIFY_WITH_TIMEOUT(done.count() >= 1, 10000);
    const QImage before = pad->reconstructionImage();
    QVERIFY(std::all_of(pad->canvas()->pixels().begin(), pad->canvas()->pixels().end(), [](auto v) { return v == 0; }));
    // A vertical stroke down the middle, as a user would drag it.
    DrawCanvas *canvas = pad->canvas();
    QTest::mousePress(canvas, Qt::LeftButton, Qt::NoModifier, QPoint(140, 40));
    for (int y = 40; y <= 240; y += 10) {
        QMouseEvent move(QEvent::MouseMove, QPointF(140, y), canvas->mapToGlobal(QPointF(140, y)), Qt::NoButton,
                         Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(canvas, &move);
    }
    QTest::mouseRelease(canvas, Qt::LeftButton, Qt::NoModifier, QPoint(140, 240));
    const auto &px = canvas->pixels();
    QCOMPARE(int(px[std::size_t(14 * 28 + 13)]), 255); // the stroke is in the drawing
    QCOMPARE(int(px[std::size_t(14 * 28 + 2)]), 0);    // and only there
    const int count = int(done.count());
    QTRY_VERIFY_WITH_TIMEOUT(done.count() > count, 10000);
    QTRY_VERIFY(pad->reconstructionImage() != before); // the reconstruction changed with it
    QCOMPARE(pad->reconstructionImage().size(), QSize(280, 280));
}

// With the explorer at no noise the input is the image itself: no view quotes a "noisy input" PSNR (the 100 dB floor)
// or names a noise of level 0.
void TestStudio::cleanInputIsNeverGivenANoisyPsnr()
{
    auto w = trainedWindow(1);
    w->show();
    const auto labelWith = [&](const QString &part) {
        for (QLabel *l : w->findChildren<QLabel *>())
            if (l->text().contains(part))
                return l->text();
        return QString();
    };
    QSlider *slider = w->explorer()->slider();
    slider->setValue(0);
    QTRY_VERIFY(!labelWith(QStringLiteral("Input (no noise)")).isEmpty());
    const QString tip = w->gridPanel()->reconstructed()->tipAt(QPoint(5, 5));
    QVERIFY2(tip.contains(QStringLiteral("reconstruction:")) && !tip.contains(QStringLiteral("noisy")),
             qPrintable(tip));
    QVERIFY2(w->gridPanel()->noisy()->tipAt(QPoint(5, 5)).contains(QStringLiteral("without noise")),
             qPrintable(w->gridPanel()->noisy()->tipAt(QPoint(5, 5))));

    w->action(QStringLiteral("tab5"))->trigger();
    DrawPad *pad = w->findChild<DrawPad *>();
    QTRY_VERIFY(pad->canvas()->isVisible());
    pad->clear();
    QTRY_VERIFY(!labelWith(QStringLiteral("No noise. Reconstruction")).isEmpty());
    const QRegularExpression noisyPsnr(QStringLiteral("noisy input:? [0-9]"));
    for (QLabel *l : w->findChildren<QLabel *>())
        QVERIFY2(!l->text().contains(noisyPsnr), qPrintable(l->text()));

    w->action(QStringLiteral("tab6"))->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!labelWith(QStringLiteral("validation images without noise")).isEmpty(), 20000);
    QVERIFY(labelWith(QStringLiteral(" 0.00")).isEmpty());

    // With noise, each names it again.
    slider->setValue(slider->maximum() / 2);
    QTRY_VERIFY_WITH_TIMEOUT(!labelWith(QStringLiteral("validation images at gaussian")).isEmpty(), 20000);
    w->action(QStringLiteral("tab5"))->trigger();
    pad->clear();
    QTRY_VERIFY(!labelWith(QStringLiteral("against your drawing (noisy input")).isEmpty());
    QTRY_VERIFY(w->gridPanel()->reconstructed()->tipAt(QPoint(5, 5)).contains(QStringLiteral("noisy input:")));
}

// The time scrubber: each epoch's stored grids are shown at that epoch, with the charts' cursor; Live returns to the
// current model; a saved checkpoint brings them back, and one without them (format version 2) still opens.
void TestStudio::scrubberShowsEachStoredEpoch()
{
    QTemporaryDir out;
    const QString path = out.filePath(QStringLiteral("scrub.aes"));
    QVector<ProbeSnapshot> stored;
    {
        auto w = trainedWindow(3);
        TimeScrubber *scrubber = w->findChild<TimeScrubber *>();
        QVERIFY(scrubber);
        stored = w->session()->epochGrids();
        QCOMPARE(stored.size(), 3);
        QCOMPARE(scrubber->snapshots().size(), 3);
        QVERIFY(scrubber->isLive());
        QCOMPARE(scrubber->slider()->value(), 2);
        for (int k = 1; k <= 3; ++k) {
            QSignalSpy shown(w->gridPanel(), &ImageGridPanel::previewShown);
            scrubber->slider()->setValue(k - 1); // as a user drags it
            QCOMPARE(shown.count(), 1);
            QVERIFY(!scrubber->isLive());
            QCOMPARE(scrubber->shownEpoch(), k);
            QCOMPARE(w->chartsPanel()->lossChart()->cursorX(), double(k));
            // The reconstruction grid is the stored grid k, pixel for pixel.
            const Reconstruction r = stored[k - 1].toReconstruction();
            const PreviewResult expected = PreviewRunner::ofReconstruction(r, w->session()->config().noise);
            QCOMPARE(w->gridPanel()->reconstructed()->image(), expected.reconstructed);
            QCOMPARE(w->gridPanel()->noisy()->image(), expected.noisy);
        }
        QVERIFY(stored[0].pixels != stored[2].pixels);
        // A preview of the live model does not overwrite a scrubbed epoch; Live brings the live model back.
        const QImage epoch3 = w->gridPanel()->reconstructed()->image();
        scrubber->slider()->setValue(0);
        const QImage epoch1 = w->gridPanel()->reconstructed()->image();
        QVERIFY(epoch1 != epoch3);
        QSignalSpy live(w->gridPanel(), &ImageGridPanel::previewShown);
        scrubber->setLive(true);
        QTRY_VERIFY(live.count() >= 1);
        QVERIFY(std::isnan(w->chartsPanel()->lossChart()->cursorX()));
        QVERIFY(w->gridPanel()->reconstructed()->image() != epoch1);
        // The strip: original, noisy, then a row per epoch.
        QAction *strip = w->findChild<QAction *>(QStringLiteral("exportEpochStrip"));
        QVERIFY(strip && strip->isEnabled());
        const QStringList written = w->exportAll(out.filePath(QStringLiteral("all")));
        QVERIFY2(written.contains(QStringLiteral("epochs.png")), qPrintable(written.join(QLatin1Char(' '))));
        const QImage png(out.filePath(QStringLiteral("all/epochs.png")));
        QCOMPARE(png.width(), 16 * 28 * 2);
        QCOMPARE(png.height(), 5 * (24 + 28 * 2));
        w->saveCheckpoint(path);
    }
    // Reopened: the scrubber is back with the same grids.
    MainWindow fresh;
    QSignalSpy opened(&fresh, &MainWindow::checkpointOpened);
    fresh.openCheckpoint(path);
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 20000);
    QVERIFY(opened.first().at(1).toBool());
    TimeScrubber *scrubber = fresh.findChild<TimeScrubber *>();
    QCOMPARE(scrubber->snapshots().size(), 3);
    QVERIFY(scrubber->showEpoch(2));
    QCOMPARE(fresh.session()->epochGrids()[1].pixels, stored[1].pixels);
    const PreviewResult expected
        = PreviewRunner::ofReconstruction(stored[1].toReconstruction(), fresh.session()->config().noise);
    QCOMPARE(fresh.gridPanel()->reconstructed()->image(), expected.reconstructed);
    QVERIFY(!scrubber->showEpoch(9));
}

// The user check on real digits: on a denoising MNIST model, a 7 drawn with the mouse comes back as a 7 (its
// nearest class mean over the validation digits) and closer to the typical 7 than the noisy input the model saw.
void TestStudio::handDrawnSevenComesBackAsASeven()
{
    const QString shared = qEnvironmentVariable("AESTUDIO_SHARED_DIR");
    const QString mnist = QDir(shared).filePath(QStringLiteral("datasets/mnist-subset"));
    if (shared.isEmpty() || !QFile::exists(QDir(mnist).filePath(QStringLiteral("train-images-idx3-ubyte.gz"))))
        QSKIP("$AESTUDIO_SHARED_DIR/datasets/mnist-subset is not present (./run tests sets it when ../shared has it); "
              "the hand-drawn digit check needs real MNIST digits");
    TrainingConfig c = StudioSettings::defaults();
    c.dataset = mnist;
    c.model.hidden = ModelSpec::hiddenForDepth(3);
    c.model.latent = 30;
    c.noise = NoiseSpec{NoiseType::Gaussian, 0.3};
    c.epochs = 10;
    c.threads = 2;
    MainWindow w;
    w.configPanel()->setConfig(c);
    QSignalSpy finished(w.session(), &TrainingSession::finished);
    w.startRun(MainWindow::StartMode::Fresh);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);

    DrawPad *pad = w.findChild<DrawPad *>();
    w.show();
    w.action(QStringLiteral("tab5"))->trigger();
    QTRY_VERIFY(pad->canvas()->isVisible());
    w.explorer()->setNoise(c.noise);
    QSignalSpy done(pad, &DrawPad::reconstructed);
    pad->clear();
    QTRY_VERIFY_WITH_TIMEOUT(done.count() >= 1, 10000);
    // A 7: the bar, then the stem down to the left, dragged through these canvas points (28x28 grid).
    DrawCanvas *canvas = pad->canvas();
    const QVector<QPointF> path{{9, 8}, {19, 8}, {18, 11}, {14, 22}};
    QTest::mousePress(canvas, Qt::LeftButton, Qt::NoModifier, canvas->toWidget(path[0]).toPoint());
    for (int i = 1; i < path.size(); ++i)
        for (int step = 1; step <= 10; ++step) {
            const QPointF at = canvas->toWidget(path[i - 1] + (path[i] - path[i - 1]) * step / 10.0);
            QMouseEvent move(QEvent::MouseMove, at, canvas->mapToGlobal(at), Qt::NoButton, Qt::LeftButton,
                             Qt::NoModifier);
            QApplication::sendEvent(canvas, &move);
        }
    QTest::mouseRelease(canvas, Qt::LeftButton, Qt::NoModifier, canvas->toWidget(path.last()).toPoint());
    const int count = int(done.count());
    QTRY_VERIFY_WITH_TIMEOUT(done.count() > count, 10000);

    // The views are the 28x28 images at 10x: sample each cell's centre.
    auto cells = [](const QImage &view) {
        std::vector<double> v(784);
        for (int i = 0; i < 784; ++i)
            v[std::size_t(i)] = qGray(view.pixel((i % 28) * 10 + 5, (i / 28) * 10 + 5)) / 255.0;
        return v;
    };
    const std::vector<double> recon = cells(pad->reconstructionImage());
    const std::vector<double> noisy = cells(pad->noisyImage());
    const DatasetSplit data = DatasetCatalog::load(c);
    std::vector<std::vector<double>> mean(10, std::vector<double>(784, 0.0));
    std::vector<int> members(10, 0);
    for (int i = 0; i < data.validation.count(); ++i) {
        const int label = data.validation.labels[std::size_t(i)];
        ++members[std::size_t(label)];
        for (int k = 0; k < 784; ++k)
            mean[std::size_t(label)][std::size_t(k)] += data.validation.image(i)[k] / 255.0;
    }
    auto mse = [](const std::vector<double> &a, const std::vector<double> &b) {
        double sum = 0;
        for (std::size_t k = 0; k < a.size(); ++k)
            sum += (a[k] - b[k]) * (a[k] - b[k]);
        return sum / double(a.size());
    };
    QStringList distances;
    int nearest = -1;
    for (int d = 0; d < 10; ++d) {
        for (double &v : mean[std::size_t(d)])
            v /= std::max(1, members[std::size_t(d)]);
        distances << QStringLiteral("%1:%2").arg(d).arg(mse(recon, mean[std::size_t(d)]), 0, 'f', 4);
        if (nearest < 0 || mse(recon, mean[std::size_t(d)]) < mse(recon, mean[std::size_t(nearest)]))
            nearest = d;
    }
    qInfo("reconstruction MSE to each class mean: %s; noisy input to the 7 mean: %.4f",
          qPrintable(distances.join(QLatin1Char(' '))), mse(noisy, mean[7]));
    QCOMPARE(nearest, 7);
    QVERIFY(mse(recon, mean[7]) < mse(noisy, mean[7]));
}

// File → Recipes lists the shipped recipes; opening one fills the settings (nothing starts); Save recipe… writes
// what Open recipe… reads back; a bad recipe is refused with its reason and leaves the settings alone.
void TestStudio::recipesOpenSaveAndAreListed()
{
    MainWindow w;
    w.configPanel()->setConfig(tinyConfig(2));
    QMenu *menu = w.findChild<QMenu *>(QStringLiteral("recipesMenu"));
    QVERIFY(menu);
    w.recipes()->rebuildMenu();
    QAction *denoiser = nullptr;
    for (QAction *a : menu->actions())
        if (a->text() == QStringLiteral("Seed study: denoising Fashion-MNIST"))
            denoiser = a;
    QVERIFY2(denoiser, "the shipped seed recipe is not in File → Recipes");
    denoiser->trigger();
    TrainingConfig c = w.configPanel()->config();
    QCOMPARE(c.dataset, QStringLiteral("fashion-mnist"));
    QCOMPARE(c.model.latent, 15);
    QCOMPARE(c.noise.level, 0.5);
    QCOMPARE(c.epochs, 20);
    QCOMPARE(c.threads, 2); // the machine's setting stays
    QCOMPARE(w.session()->state(), TrainingSession::State::Idle);

    QTemporaryDir out;
    const QString saved = out.filePath(QStringLiteral("mine.json"));
    c.model.latent = 42;
    c.noise.level = 0.35; // the panel holds two decimals
    w.configPanel()->setConfig(c);
    w.recipes()->save(saved);
    w.configPanel()->setConfig(tinyConfig(2));
    w.recipes()->open(saved);
    QCOMPARE(w.configPanel()->config().model.latent, 42);
    QCOMPARE(w.configPanel()->config().noise.level, 0.35);

    const QString bad = out.filePath(QStringLiteral("bad.json"));
    writeBytes(bad, QByteArray("{\"latent\": \"many\"}"));
    QVERIFY_THROWS_EXCEPTION(ConfigError, w.recipes()->open(bad));
    QCOMPARE(w.configPanel()->config().model.latent, 42);
    // While a run trains, recipes cannot replace its settings.
    w.configPanel()->setConfig(tinyConfig(1));
    QSignalSpy finished(w.session(), &TrainingSession::finished);
    w.startRun(MainWindow::StartMode::Fresh);
    QVERIFY(!w.recipes()->openAction()->isEnabled());
    QVERIFY(!menu->isEnabled());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
    QTRY_VERIFY(w.recipes()->openAction()->isEnabled());
}

// A sweep whose cells run elsewhere (Slurm tasks, sweep-cell by hand): the Experiments page opens its folder, shows
// every cell queued, fills each in as it finishes, and Collect writes the table from the finished ones. Submitting
// where there is no sbatch says so and leaves the plan and scripts for a login node.
void TestStudio::sweepFolderIsFollowedAsCellsFinishElsewhere()
{
    QTemporaryDir out;
    SweepSpec spec;
    spec.base = tinyConfig(1);
    spec.depths = {3};
    spec.latents = {4, 6};
    spec.epochs = 1;
    const SweepPlan plan = Sweep(spec, out.path()).prepare();
    QCOMPARE(plan.cells.size(), 2);

    MainWindow w;
    ExperimentsPanel *panel = w.experiments();
    panel->openSweep(out.path());
    QCOMPARE(panel->runTable()->rowCount(), 2);
    QTRY_COMPARE(panel->runTable()->item(1, 5)->text(), QStringLiteral("queued"));
    QVERIFY(panel->watcher()->watching());

    // Cell 1 finishes "on another node".
    struct Quiet : SweepObserver {
    } quiet;
    RunControl control;
    SweepCells::run(out.path(), plan, 1, 2, quiet, control);
    QTRY_VERIFY_WITH_TIMEOUT(panel->runTable()->item(1, 7)->data(Qt::DisplayRole).toDouble() > 0,
                             SweepWatcher::kPollMs + 5000);
    QCOMPARE(panel->runTable()->item(0, 5)->text(), QStringLiteral("queued"));
    QCOMPARE(panel->pivotTable()->rowCount(), 1);

    // Collect writes its files off the GUI thread and reports when done: wait for the report, then look at the files.
    QLabel *status = nullptr;
    panel->findChild<QPushButton *>(QStringLiteral("collect"))->click();
    QTRY_VERIFY([&] {
        for (QLabel *l : panel->findChildren<QLabel *>())
            if (l->text().startsWith(QStringLiteral("Collected")))
                status = l;
        return status != nullptr;
    }());
    QVERIFY(QFile::exists(QDir(out.path()).filePath(QStringLiteral("results.csv"))));
    QVERIFY2(status->text().contains(QStringLiteral("Collected 1 of 2"))
                 && status->text().contains(QStringLiteral("d3-l4")),
             qPrintable(status->text()));

    // Run on Slurm, on a machine without sbatch.
    const QByteArray path = qgetenv("PATH");
    qputenv("PATH", QFile::encodeName(out.filePath(QStringLiteral("no-tools"))));
    QTemporaryDir cluster;
    panel->setOutputFolder(cluster.path());
    panel->setRunOnSlurm(true);
    QVERIFY(panel->findChild<QWidget *>(QStringLiteral("slurmOptions"))->isVisibleTo(panel));
    panel->queue();
    QLabel *error = nullptr;
    QTRY_VERIFY([&] {
        for (QLabel *l : panel->findChildren<QLabel *>())
            if (l->text().contains(QStringLiteral("sbatch is not on PATH")))
                error = l;
        return error != nullptr;
    }());
    qputenv("PATH", path);
    QVERIFY(QFile::exists(QDir(cluster.path()).filePath(QStringLiteral("plan.json"))));
    QVERIFY(QFile::exists(QDir(cluster.path()).filePath(QStringLiteral("slurm/sweep.sbatch"))));
}

// The error row under the grids, and the Where it fails tab: the K worst validation images with all four rows, and
// per-class PSNR that exports as CSV; it follows the explorer's noise.
void TestStudio::whereItFailsShowsWorstImagesAndClasses()
{
    auto w = trainedWindow(2);
    QTRY_VERIFY(!w->gridPanel()->error()->image().isNull());
    QCOMPARE(w->gridPanel()->error()->image().size(), w->gridPanel()->reconstructed()->image().size());
    ErrorViewsPanel *panel = w->findChild<ErrorViewsPanel *>();
    QVERIFY(panel);
    QSignalSpy updated(panel, &ErrorViewsPanel::updated);
    w->show();
    w->action(QStringLiteral("tab6"))->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(updated.count() >= 1, 20000);
    const ErrorViewsPanel::Result &r = panel->result();
    QCOMPARE(r.images, 80); // the tiny set's validation images
    QCOMPARE(r.worst.size(), 16);
    for (int i = 1; i < r.worst.size(); ++i)
        QVERIFY(r.worst[i - 1].psnrDb <= r.worst[i].psnrDb);
    QCOMPARE(r.strip.size(), QSize(16 * 28 * 2, 4 * 28 * 2 + 30));
    int images = 0;
    for (const auto &c : r.classes)
        images += c.count;
    QCOMPARE(images, 80);
    QTemporaryDir out;
    const QString csv = out.filePath(QStringLiteral("classes.csv"));
    panel->exportCsv(csv);
    QFile f(csv);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll().trimmed().split('\n').size(), 1 + r.classes.size());
    // The user drags the noise slider: measured again at the new level.
    const double before = r.noise.level;
    QSlider *slider = w->explorer()->slider();
    slider->setValue(slider->value() + slider->maximum() / 4);
    const double now = w->explorer()->noise().level;
    QVERIFY(now != before);
    QTRY_VERIFY_WITH_TIMEOUT(std::abs(panel->result().noise.level - now) < 1e-9, 20000);
    // Clicking the worst image's error tile opens it large, on its error heatmap.
    ProbeGridView *strip = panel->strip();
    const double shown = double(strip->pixmap().width()) / strip->image().width();
    QTest::mouseClick(strip, Qt::LeftButton, {}, QPoint(int(28 * shown), int((3 * 56 + 28) * shown)));
    QTRY_VERIFY(panel->zoom() && panel->zoom()->isVisible());
    QCOMPARE(panel->zoom()->shownRow(), 3);
    QVERIFY(panel->zoom()->windowTitle().startsWith(QStringLiteral("Worst 1:")));
    QCOMPARE(panel->zoom()->shownImage(),
             ImageGrid::scaledUp(ZoomTile::cut(panel->result().strip, 0, 3, 2), TileZoomDialog::kZoom));
}

// Any probe tile opens at 10x with crisp pixels; hovering reads the values of that pixel in every version.
void TestStudio::tilesOpenLargeWithAPixelReadout()
{
    auto w = trainedWindow(1);
    w->show();
    ProbeGridView *recon = w->gridPanel()->reconstructed();
    QTRY_VERIFY(!recon->image().isNull());
    const int cell = recon->cellSize();
    const double shown = double(recon->pixmap().width()) / recon->image().width();
    QTest::mouseClick(recon, Qt::LeftButton, {}, QPoint(int((2 * cell + cell / 2) * shown), int(cell / 2 * shown)));
    TileZoomDialog *zoom = w->gridPanel()->zoom();
    QTRY_VERIFY(zoom && zoom->isVisible());
    QCOMPARE(zoom->windowTitle(), QStringLiteral("Probe 3 at 10×"));
    QCOMPARE(zoom->shownRow(), 2);
    const QImage tile = ZoomTile::cut(recon->image(), 2, 0, cell / 28);
    QCOMPARE(tile.size(), QSize(28, 28));
    QCOMPARE(zoom->shownImage().size(), QSize(280, 280));
    QCOMPARE(zoom->shownImage(), ImageGrid::scaledUp(tile, 10));
    // Independently of the cut: zoomed pixel (x, y) is the grid's pixel in probe 3's cell.
    for (const QPoint &px : {QPoint(0, 0), QPoint(27, 27), QPoint(14, 9), QPoint(3, 20)})
        QCOMPARE(zoom->shownImage().pixel(px * 10 + QPoint(5, 5)),
                 recon->image().pixel(2 * cell + px.x() * cell / 28, px.y() * cell / 28));
    QCOMPARE(zoom->view()->pixmap().size(), QSize(280, 280)); // shown 1:1, not smoothed by a layout
    // Hover pixel (14, 9): the readout names it and gives the original's value there.
    QTest::mouseMove(zoom->view(), QPoint(14 * 10 + 5, 9 * 10 + 5));
    const QImage originalGrid = w->gridPanel()->original()->image();
    const QString expected
        = QString::number(qGray(originalGrid.pixel(2 * cell + 14 * cell / 28, 9 * cell / 28)) / 255.0, 'f', 3);
    QTRY_VERIFY2(zoom->readout().contains(QStringLiteral("pixel (14, 9)")), qPrintable(zoom->readout()));
    QVERIFY2(zoom->readout().contains(QStringLiteral("original %1").arg(expected)), qPrintable(zoom->readout()));
    QVERIFY(zoom->readout().contains(QStringLiteral("|error|")));
}

// File → Export report…: off until an epoch is trained, then the run's PDF, built off the GUI thread.
void TestStudio::exportReportWritesThePdfOfTheRun()
{
    {
        MainWindow fresh;
        QVERIFY(!fresh.reports()->exportAction()->isEnabled());
    }
    auto w = trainedWindow(2);
    QVERIFY(w->reports()->exportAction()->isEnabled());
    QTemporaryDir out;
    const QString pdf = out.filePath(QStringLiteral("run.pdf"));
    QSignalSpy written(w->reports(), &ReportActions::written);
    w->reports()->exportTo(pdf);
    QVERIFY(!w->reports()->exportAction()->isEnabled()); // one at a time
    QTRY_COMPARE_WITH_TIMEOUT(written.count(), 1, 60000);
    QCOMPARE(written.first().first().toString(), pdf);
    QFile f(pdf);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.read(5), QByteArray("%PDF-"));
    QVERIFY(f.size() > 20000);
    QVERIFY(w->reports()->exportAction()->isEnabled());
    // A folder that cannot be written: the error reaches the user and the action comes back.
    QSignalSpy problem(w->reports(), &ReportActions::problem);
    w->reports()->exportTo(out.filePath(QStringLiteral("no/such/folder/run.pdf")));
    QTRY_COMPARE_WITH_TIMEOUT(problem.count(), 1, 60000);
    QVERIFY2(problem.first().first().toString().startsWith(QStringLiteral("The report could not be written")),
             qPrintable(problem.first().first().toString()));
    QVERIFY(w->reports()->exportAction()->isEnabled());
    QCOMPARE(written.count(), 1);
}

// The grids are black; their per-probe tooltip must not be (an unscoped style sheet once drew it black on black).
void TestStudio::gridTooltipIsReadable()
{
    MainWindow w;
    w.show();
    ProbeGridView *grid = w.gridPanel()->original();
    QToolTip::showText(grid->mapToGlobal(QPoint(5, 5)), QStringLiteral("probe 1: 17.37 dB"), grid);
    QWidget *tip = nullptr;
    QTRY_VERIFY((tip = [] {
        for (QWidget *t : QApplication::topLevelWidgets())
            if (t->inherits("QTipLabel") && t->isVisible())
                return t;
        return static_cast<QWidget *>(nullptr);
    }()));
    const QImage image = tip->grab().toImage();
    int lo = 255, hi = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            lo = std::min(lo, qGray(image.pixel(x, y)));
            hi = std::max(hi, qGray(image.pixel(x, y)));
        }
    QVERIFY2(hi - lo > 100, qPrintable(QStringLiteral("tooltip grey levels %1..%2").arg(lo).arg(hi)));
    const QPalette pal = tip->palette();
    QVERIFY(pal.color(QPalette::ToolTipText) != pal.color(QPalette::ToolTipBase));
    QToolTip::hideText();
}

void TestStudio::longCurvesAreDrawnDecimatedWithTheirExtremes()
{
    QVector<QPointF> points;
    for (int i = 0; i < 10000; ++i)
        points.append(QPointF(i, std::sin(i * 0.01)));
    points[4321].setY(7.0);  // a spike
    points[8765].setY(-3.0); // a dip
    const QVector<QPointF> shown = LiveChart::decimate(points, 400);
    QVERIFY(shown.size() <= 400 && shown.size() >= 200);
    QVERIFY(
        std::is_sorted(shown.begin(), shown.end(), [](const QPointF &a, const QPointF &b) { return a.x() < b.x(); }));
    const auto [lo, hi] = std::minmax_element(shown.begin(), shown.end(),
                                              [](const QPointF &a, const QPointF &b) { return a.y() < b.y(); });
    QCOMPARE(hi->y(), 7.0);
    QCOMPARE(hi->x(), 4321.0);
    QCOMPARE(lo->y(), -3.0);
    QCOMPARE(shown.front(), points.front());
    QCOMPARE(LiveChart::decimate(points.mid(0, 300), 400), points.mid(0, 300)); // short curves untouched

    // And the chart holds the decimated curve while keeping every point for export.
    LiveChart chart(QStringLiteral("t"), QStringLiteral("x"), QStringLiteral("y"));
    chart.resize(600, 300);
    const int series = chart.addSeries(QStringLiteral("s"), Qt::blue, 1.0);
    chart.setPoints(series, points);
    chart.flush();
    QCOMPARE(chart.points(series).size(), 10000);
    QVERIFY(chart.shownPointCount(series) < 2000);
}

// Training on clean input has no noisy-input PSNR (the metrics hold the 100 dB floor): no curve, and no legend entry
// naming one, on screen or in the exported SVG. With noise both come back. Likewise a run opened from its folder has
// epoch points but no per-step losses: no "batch loss" or "smoothed" entry until steps arrive.
void TestStudio::legendNamesOnlyTheCurvesDrawn()
{
    ChartsPanel panel;
    panel.show();
    const LiveChart *psnr = panel.psnrChart();
    int noisy = -1;
    for (int i = 0; i < psnr->seriesCount(); ++i)
        if (psnr->seriesName(i) == QStringLiteral("noisy input"))
            noisy = i;
    QVERIFY(noisy >= 0);
    EpochMetrics m;
    m.epoch = 1;
    m.trainLoss = m.valLoss = 0.03;
    m.valPsnrGlobalDb = psnrDb(m.valLoss);
    m.valPsnrDb = m.valPsnrGlobalDb + 0.2;
    m.noisyPsnrDb = psnrDb(0.0); // clean input
    panel.addEpoch(m);
    panel.flushNow();
    QCOMPARE(psnr->shownPointCount(noisy), 0);
    QVERIFY(!psnr->seriesInLegend(noisy));
    QVERIFY(psnr->seriesInLegend(0));
    QVERIFY(!QString::fromUtf8(psnr->toSvg()).contains(QStringLiteral("noisy input")));
    QVERIFY(QString::fromUtf8(psnr->toSvg()).contains(QStringLiteral("mean of images")));
    const LiveChart *loss = panel.lossChart();
    QCOMPARE(loss->seriesName(0), QStringLiteral("batch loss"));
    QCOMPARE(loss->seriesName(1), QStringLiteral("smoothed"));
    QVERIFY(!loss->seriesInLegend(0) && !loss->seriesInLegend(1));
    QVERIFY(loss->seriesInLegend(2) && loss->seriesInLegend(3)); // train and validation per epoch
    BatchProgress step;
    step.epoch = step.epochs = 2;
    step.batch = step.batches = 1;
    step.loss = 0.02;
    step.stepLosses = {0.02f};
    panel.addBatches({step});
    panel.flushNow();
    QVERIFY(loss->seriesInLegend(0) && loss->seriesInLegend(1));

    panel.clear();
    m.noisyPsnrDb = 10.5; // trained with noise
    panel.addEpoch(m);
    panel.flushNow();
    QCOMPARE(psnr->shownPointCount(noisy), 1);
    QVERIFY(psnr->seriesInLegend(noisy));
    QVERIFY(QString::fromUtf8(psnr->toSvg()).contains(QStringLiteral("noisy input")));
}

void TestStudio::smoothingIsPerStepAndMatchesTensorBoard()
{
    // 40 steps of a noisy falling loss, as TensorBoard's smoothing (weight 0.9, debiased) draws them.
    QVector<float> steps;
    for (int i = 0; i < 40; ++i)
        steps << float(1.0 / (1 + i) + ((i * 7) % 5) * 0.05);
    QVector<double> reference;
    double last = 0;
    for (int i = 0; i < steps.size(); ++i) {
        last = last * 0.9 + 0.1 * steps[i];
        reference << last / (1 - std::pow(0.9, i + 1));
    }
    const auto report = [](int batch, QVector<float> losses) {
        BatchProgress p;
        p.epoch = 1;
        p.epochs = 1;
        p.batch = batch;
        p.batches = 40;
        p.loss = losses.last();
        p.stepLosses = std::move(losses);
        return p;
    };
    // A fast machine reports 40 steps at once, a slow one every step: the same curve.
    ChartsPanel fast, slow;
    fast.addBatches({report(40, steps)});
    for (int i = 0; i < steps.size(); ++i)
        slow.addBatches({report(i + 1, {steps[i]})});
    for (ChartsPanel *panel : {&fast, &slow}) {
        const LiveChart *loss = panel->lossChart();
        QCOMPARE(loss->points(0).size(), 40); // one raw point per step
        QCOMPARE(loss->points(0)[9], QPointF(10.0 / 40, double(steps[9])));
        QCOMPARE(loss->points(1).size(), 40);
        for (int i = 0; i < 40; ++i)
            QVERIFY2(std::abs(loss->points(1)[i].y() - reference[i]) < 1e-6, qPrintable(QString::number(i)));
    }
    QCOMPARE(fast.lossChart()->points(1).first().y(), double(steps[0])); // debiased: starts on the data
    // Moving the slider recomputes from the steps; moving it back restores the same curve.
    auto *slider = fast.findChild<QSlider *>(QStringLiteral("smoothing"));
    slider->setValue(50);
    QVERIFY(std::abs(fast.lossChart()->points(1)[1].y() - (0.5 * 0.5 * steps[0] + 0.5 * steps[1]) / 0.75) < 1e-6);
    slider->setValue(90);
    QVERIFY(std::abs(fast.lossChart()->points(1)[39].y() - reference[39]) < 1e-6);
}

// A short chart (the Experiments page's run chart) got as many y ticks as the range suggested, and Qt Charts drew
// each label that did not fit its share of the height as "...". Ticks are now round and as many as fit; epochs
// are whole numbers; a taller chart gets more ticks.
void TestStudio::shortChartsKeepReadableRoundTicks()
{
    LiveChart chart(QStringLiteral("Validation loss per run"), QStringLiteral("epoch"), QStringLiteral("val loss"));
    chart.setWholeX(true);
    chart.setPoints(chart.addSeries(QStringLiteral("d3-l32-p0-wd0"), Qt::red, 1.5, true),
                    {{1, 0.07871795}, {2, 0.04978989}, {3, 0.042846565}, {4, 0.03967823}});
    chart.resize(890, 165);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    chart.flush();
    QCoreApplication::processEvents();
    chart.flush();
    const auto check = [&](int minTicks) {
        const QStringList labels = chart.yTickLabels();
        const double plotHeight = chart.chart()->plotArea().height();
        const int lineHeight = QFontMetrics(chart.chart()->axes(Qt::Vertical).first()->labelsFont()).height();
        QVERIFY2(labels.size() >= minTicks, qPrintable(labels.join(QLatin1Char(' '))));
        // Qt Charts' room per label: the plot's height over the tick count, less 2 x its padding.
        QVERIFY2(plotHeight / labels.size() >= lineHeight + 4,
                 qPrintable(QStringLiteral("%1 ticks on %2 px").arg(labels.size()).arg(plotHeight)));
        for (QString l : labels) // round: one or two significant digits
            QVERIFY2(l.remove(QStringLiteral("0.")).remove(QLatin1Char('0')).size() <= 2, qPrintable(l));
        auto *y = qobject_cast<QValueAxis *>(chart.chart()->axes(Qt::Vertical).first());
        QVERIFY(y->min() <= 0.0397 && y->max() >= 0.0787);
        auto *x = qobject_cast<QValueAxis *>(chart.chart()->axes(Qt::Horizontal).first());
        const double step = (x->max() - x->min()) / (x->tickCount() - 1);
        QVERIFY2(step >= 1 && step == std::round(step), qPrintable(QString::number(step))); // whole epochs
    };
    check(3);
    const int shortTicks = int(chart.yTickLabels().size());
    chart.resize(890, 500);
    QCoreApplication::processEvents();
    check(4);
    QVERIFY(chart.yTickLabels().size() > shortTicks);

    // An x that is not whole (noise levels from 0 to 1) keeps fractional ticks.
    LiveChart levels(QStringLiteral("Robustness"), QStringLiteral("noise level"), QStringLiteral("dB"));
    levels.setPoints(levels.addSeries(QStringLiteral("model"), Qt::blue, 1.5), {{0, 20}, {0.5, 15}, {1, 10}});
    levels.resize(400, 240);
    levels.show();
    QVERIFY(QTest::qWaitForWindowExposed(&levels));
    levels.flush();
    auto *x = qobject_cast<QValueAxis *>(levels.chart()->axes(Qt::Horizontal).first());
    QCOMPARE(x->min(), 0.0);
    QCOMPARE(x->max(), 1.0);
    QVERIFY2(x->tickCount() >= 3, qPrintable(QString::number(x->tickCount())));
}

void TestStudio::logLossAxisHasLabelledOneTwoFiveTicks()
{
    ChartsPanel panel;
    EpochMetrics m;
    for (int e = 1; e <= 4; ++e) {
        m.epoch = e;
        m.trainLoss = 0.2 / e;
        m.valLoss = 0.2 / (e + 1) + 0.005;
        m.valPsnrDb = 14 + e;
        m.noisyPsnrDb = 100;
        panel.addEpoch(m);
    }
    panel.flushNow();
    auto *logY = panel.findChild<QCheckBox *>(QStringLiteral("logY"));
    QVERIFY(logY);
    logY->setChecked(true);
    panel.flushNow();
    QVERIFY(panel.lossChart()->logY());
    QVERIFY(!panel.psnrChart()->logY()); // dB is already logarithmic
    const QStringList labels = panel.lossChart()->yTickLabels();
    QVERIFY2(labels.size() >= 3, qPrintable(labels.join(QLatin1Char(' '))));
    for (const char *expected : {"0.05", "0.1", "0.2"})
        QVERIFY2(labels.contains(QLatin1String(expected)), qPrintable(labels.join(QLatin1Char(' '))));
    QVERIFY(!panel.psnrChart()->yTickLabels().isEmpty());
    // Narrow ranges still get labels: 1..9 steps, or the two ends.
    // Hover snaps to the nearest step and lists every series there, as TensorBoard does.
    BatchProgress p;
    p.epoch = 1;
    p.epochs = 4;
    p.batch = 10;
    p.batches = 10;
    p.stepLosses = {0.3f, 0.25f, 0.2f, 0.18f, 0.15f, 0.14f, 0.13f, 0.12f, 0.11f, 0.1f};
    p.loss = 0.1;
    panel.addBatches({p});
    const QString hover = panel.lossChart()->hoverText(0.52); // nearest step: 0.5 (the 5th)
    QVERIFY2(hover.startsWith(QLatin1String("epoch 0.500")), qPrintable(hover));
    QVERIFY2(hover.contains(QLatin1String("batch loss: 0.15")), qPrintable(hover));
    QVERIFY2(hover.contains(QLatin1String("smoothed: ")), qPrintable(hover));
    QVERIFY2(hover.contains(QLatin1String("validation (epoch): ")) && hover.contains(QLatin1String("(at 1)")),
             qPrintable(hover));
    QCOMPARE(LiveChart::logTicks(0.02, 0.2), (QVector<double>{0.02, 0.05, 0.1, 0.2}));
    QCOMPARE(LiveChart::logTicks(0.031, 0.062), (QVector<double>{0.04, 0.05, 0.06}));
    QCOMPARE(LiveChart::logTicks(0.0301, 0.0302).size(), 2);
}

// A 1366 x 768 laptop leaves about 1024 x 700 to a window. The Experiments page's form once held the whole window
// to 830 pixels (every tab's minimum counts), and the epoch scrubber's label squeezed its slider to a few pixels.
void TestStudio::windowFitsASmallScreen()
{
    MainWindow w;
    w.resize(1024, 700);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY2(w.minimumSizeHint().height() <= 700,
             qPrintable(QStringLiteral("minimum height %1").arg(w.minimumSizeHint().height())));
    QTRY_COMPARE(w.size(), QSize(1024, 700));
    auto *scrubber = w.findChild<QSlider *>(QStringLiteral("epochScrubber"));
    QVERIFY(scrubber);
    QVERIFY2(scrubber->width() >= 80, qPrintable(QStringLiteral("scrubber %1 px wide").arg(scrubber->width())));

    // Draw & denoise beside the settings dock: its three views shrink to fit instead of scrolling sideways, and a
    // stroke still lands on the image pixel under the mouse.
    w.action(QStringLiteral("tab5"))->trigger();
    DrawPad *pad = w.findChild<DrawPad *>();
    QTRY_VERIFY(pad->canvas()->isVisible());
    auto *area = qobject_cast<QScrollArea *>(pad->parentWidget()->parentWidget());
    QVERIFY(area);
    QTRY_VERIFY2(!area->horizontalScrollBar()->isVisible(),
                 qPrintable(QStringLiteral("pad %1 px in %2").arg(pad->width()).arg(area->viewport()->width())));
    QVERIFY2(pad->canvas()->square().width() < kImageSide * PixelSquare::kZoom,
             qPrintable(QString::number(pad->canvas()->square().width())));
    pad->clear();
    QTest::mouseClick(pad->canvas(), Qt::LeftButton, Qt::NoModifier, pad->canvas()->toWidget({20.5, 6.5}).toPoint());
    QCOMPARE(int(pad->canvas()->pixels()[std::size_t(6 * kImageSide + 20)]), 255);
    QCOMPARE(int(pad->canvas()->pixels()[std::size_t(6 * kImageSide + 25)]), 0);
    // Where it fails likewise: its worst strip scales to the width and its legend wraps.
    w.action(QStringLiteral("tab6"))->trigger();
    auto *errors = w.findChild<ErrorViewsPanel *>();
    QTRY_VERIFY(errors->isVisible());
    auto *errorsArea = qobject_cast<QScrollArea *>(errors->parentWidget()->parentWidget());
    QVERIFY(errorsArea);
    QTRY_VERIFY2(
        !errorsArea->horizontalScrollBar()->isVisible(),
        qPrintable(QStringLiteral("page %1 px in %2").arg(errors->width()).arg(errorsArea->viewport()->width())));
    w.action(QStringLiteral("tab1"))->trigger();

    // With room for it, the Experiments form is shown whole: its buttons need no scrolling.
    w.resize(1300, 850);
    w.showExperiments();
    QPushButton *queue = nullptr;
    for (QPushButton *b : w.findChildren<QPushButton *>())
        if (b->text() == QStringLiteral("Queue grid"))
            queue = b;
    QVERIFY(queue);
    QTRY_VERIFY(queue->isVisible());
    QTRY_COMPARE(queue->visibleRegion().boundingRect().size(), queue->size());
}

QTEST_MAIN(TestStudio)
#include "tst_studio.moc"
